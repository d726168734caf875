/// Writes compact JSON deterministically: keys in the order given, no spaces, non-ASCII text as UTF-8,
/// and only the escapes JSON requires (`"`, `\`, control characters).
public struct JSONWriter {
    /// The UTF-8 bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// The text written so far.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: raw("null")
        case let .bool(flag): raw(flag ? "true" : "false")
        case let .number(text): raw(text)
        case let .string(text): writeString(text)
        case let .array(items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case let .object(object):
            bytes.append(UInt8(ascii: "{"))
            for (index, (key, item)) in object.pairs.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                writeString(key)
                bytes.append(UInt8(ascii: ":"))
                write(item)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Appends text verbatim (for numbers and literals).
    public mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    public mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Fast path: most strings need no escape and are copied whole.
        var contiguous = text
        contiguous.makeContiguousUTF8()
        if !JSONWriter.needsEscape(contiguous.utf8.span) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                raw("\\u00" + (hex.count == 1 ? "0" + hex : hex))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// One pass without branches or early exit, which the compiler vectorises (escapes are rare).
    private static func needsEscape(_ utf8: Span<UInt8>) -> Bool {
        unsafe utf8.withUnsafeBufferPointer { bytes in
            var flags: UInt8 = 0
            for index in 0..<bytes.count {
                let byte = unsafe bytes[index]
                flags |= (byte < 0x20 ? 1 : 0) | (byte == UInt8(ascii: "\"") ? 1 : 0) | (byte == UInt8(ascii: "\\") ? 1 : 0)
            }
            return flags != 0
        }
    }

    /// Renders one value as a string.
    public static func string(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return writer.text
    }
}

extension JSONValue {
    /// A JSON number from an integer.
    public static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

    /// A JSON number from a floating-point value (shortest round-tripping form; NaN and infinity become null).
    public static func double(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        if value == value.rounded(), abs(value) < 1e15 { return .number(String(Int(value))) }
        return .number("\(value)")
    }
}
