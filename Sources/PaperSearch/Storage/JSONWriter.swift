/// Writes compact JSON deterministically: keys in the order given, no spaces, non-ASCII text as UTF-8,
/// and only the escapes JSON requires (`"`, `\`, control characters).
package struct JSONWriter {
    /// The UTF-8 bytes written so far.
    package private(set) var bytes: [UInt8] = []

    package init() {}

    /// The text written so far.
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    package mutating func write(_ value: JSONValue) {
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

    /// Makes room for `count` bytes in all (what a record is expected to take), so appends do not regrow.
    package mutating func reserveCapacity(_ count: Int) { bytes.reserveCapacity(count) }

    /// Appends text verbatim (for numbers and literals).
    package mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    package mutating func writeString(_ text: String) {
        var contiguous = text
        contiguous.makeContiguousUTF8()
        bytes.append(UInt8(ascii: "\""))
        unsafe contiguous.utf8.span.withUnsafeBufferPointer { source in
            // Runs of bytes that need no escape are copied whole; escapes are rare (a newline in an abstract).
            var runStart = 0
            var index = 0
            while index < source.count {
                if index + 8 <= source.count {
                    // Eight bytes at once: none below 0x20, none a quote or a backslash.
                    let word = unsafe UnsafeRawPointer(source.baseAddress.unsafelyUnwrapped + index).loadUnaligned(as: UInt64.self)
                    if !JSONText.mayNeedEscape(word) {
                        index += 8
                        continue
                    }
                }
                let byte = unsafe source[index]
                index += 1
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                unsafe bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<(index - 1)]))
                runStart = index
                switch byte {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                default:
                    let hex = String(byte, radix: 16)
                    raw("\\u00" + (hex.count == 1 ? "0" + hex : hex))
                }
            }
            unsafe bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[runStart..<source.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Renders one value as a string.
    package static func string(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.write(value)
        return writer.text
    }
}

extension JSONValue {
    /// A JSON number from an integer.
    package static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

    /// A JSON number from a floating-point value (shortest round-tripping form; NaN and infinity become null).
    package static func double(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        if value == value.rounded(), abs(value) < 1e15 { return .number(String(Int(value))) }
        return .number("\(value)")
    }
}
