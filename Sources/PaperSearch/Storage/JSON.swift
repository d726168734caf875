/// A JSON value. Numbers keep their literal text, so that ids, years and scores round-trip exactly.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number exactly as written, e.g. `"2021"` or `"25.1"`; validated against the JSON grammar.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, or the text of a number (ids are sometimes written as numbers).
    public var stringOrNumberText: String? {
        switch self {
        case let .string(text), let .number(text): return text
        default: return nil
        }
    }

    /// An integer written as a JSON number or as a string of digits.
    public var integerValue: Int? {
        switch self {
        case let .number(text), let .string(text): return Int(text)
        default: return nil
        }
    }
}

/// A JSON object with its keys in the order they were written (later duplicates replace earlier ones).
public struct JSONObject: Sendable, Hashable {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSONValue] = []

    public init() {}

    public init(_ pairs: [(String, JSONValue)]) {
        for (key, value) in pairs { self[key] = value }
    }

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }

    /// Distinct keys and their values, in order (the parser's).
    init(keys: [String], values: [JSONValue]) {
        (self.keys, self.values) = (keys, values)
    }

    /// Where `key` stands among `keys`. Linear: the objects here (paper records) have a handful of keys. Their
    /// UTF-8 lengths, which a String knows, are compared first, so that most keys are passed over at once.
    static func index(of key: String, in keys: [String]) -> Int? {
        let length = key.utf8.count
        return keys.firstIndex { $0.utf8.count == length && $0 == key }
    }

    public subscript(key: String) -> JSONValue? {
        get { JSONObject.index(of: key, in: keys).map { values[$0] } }
        set {
            if let index = JSONObject.index(of: key, in: keys) {
                if let newValue { values[index] = newValue } else {
                    keys.remove(at: index)
                    values.remove(at: index)
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// The pairs in order.
    public var pairs: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }
}

/// A JSON syntax error at a byte offset of the parsed text.
package struct JSONSyntaxError: Error, Equatable, Sendable {
    /// Zero-based byte offset where the problem was found.
    package var offset: Int
    package var reason: String
}

/// Byte-level helpers shared by the JSON parser and writer.
enum JSONText {
    /// Whether any of the eight bytes of `word` may be a quote, a backslash or a control character (the
    /// zero-byte test of each comparison can err only towards a closer look, never miss one).
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22), backslashes = word ^ (ones &* 0x5C)
        let special = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | ((word &- ones &* 0x20) & ~word)
        return special & highs != 0
    }

    /// The string of UTF-8 `bytes`, or nil if they are not valid UTF-8. ASCII (most JSON text) is checked
    /// eight bytes at a time and copied; only other text goes through the standard library's validation,
    /// whose generic entry point costs about a thousand instructions a call.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard let base = bytes.baseAddress else { return "" }
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= unsafe UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(unsafe base[index])
            index += 1
        }
        if high & 0x8080_8080_8080_8080 == 0 { return unsafe String(decoding: bytes, as: UTF8.self) }
        return unsafe String(validating: bytes, as: UTF8.self)
    }
}

/// A strict JSON parser (RFC 8259) over UTF-8 bytes: validates UTF-8 inside strings, limits nesting depth so
/// that hostile input cannot exhaust the stack, limits the keys of an object so that a hostile one cannot
/// take quadratic time (`JSONObject` looks keys up linearly), and rejects anything after the value but white
/// space.
package enum JSONParser {
    static let maximumDepth = 256
    static let maximumKeys = 4096

    /// Parses one complete JSON text.
    package static func parse<Bytes: Collection>(_ bytes: Bytes) throws(JSONSyntaxError) -> JSONValue
    where Bytes.Element == UInt8 {
        var result: Result<JSONValue, JSONSyntaxError>?
        _ = bytes.withContiguousStorageIfAvailable { buffer in
            result = unsafe parse(buffer: buffer)
        }
        if result == nil { result = unsafe Array(bytes).withUnsafeBufferPointer { unsafe parse(buffer: $0) } }
        switch result {
        case let .success(value): return value
        case let .failure(error): throw error
        case nil: return .null
        }
    }

    /// Parses one complete JSON text.
    package static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONSyntaxError> {
        var cursor = unsafe Cursor(bytes: buffer)
        do throws(JSONSyntaxError) {
            cursor.skipWhitespace()
            let value = try cursor.parseValue(depth: 0)
            cursor.skipWhitespace()
            guard cursor.position == cursor.end else {
                throw JSONSyntaxError(offset: cursor.position, reason: "unexpected text after the JSON value")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    /// Reads a JSON text that is one object, field by field, without building the object: for each key in
    /// order, `field` reads its value through the reader it is given, exactly one value (a paper's stored
    /// record, read into a `Paper` without the `JSONValue`s of its strings).
    package static func readObject(
        _ bytes: UnsafeBufferPointer<UInt8>, field: (String, inout JSONFieldReader) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        var cursor = unsafe Cursor(bytes: bytes)
        cursor.skipWhitespace()
        guard cursor.peek() == UInt8(ascii: "{") else { throw cursor.error(expecting: "'{'") }
        var members = 0
        try Cursor.parseMembers(&cursor) { (key: String, cursor: inout Cursor) throws(JSONSyntaxError) in
            members += 1
            guard members <= maximumKeys else { throw cursor.error("more than \(maximumKeys) keys in one object") }
            var reader = JSONFieldReader(cursor: cursor)
            try field(key, &reader)
            guard reader.cursor.position > cursor.position else { throw cursor.error("the value of '\(key)' was not read") }
            cursor = reader.cursor
        }
        cursor.skipWhitespace()
        guard cursor.position == cursor.end else { throw cursor.error("unexpected text after the JSON value") }
    }

    /// Reads bytes through a pointer; every access is preceded by a `position < end` check.
    @safe fileprivate struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var end: Int { unsafe bytes.count }

        init(bytes: UnsafeBufferPointer<UInt8>) { unsafe self.bytes = bytes }

        func peek() -> UInt8? { position < end ? unsafe bytes[position] : nil }

        mutating func skipWhitespace() {
            while position < end {
                switch unsafe bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        func error(_ reason: String, at offset: Int? = nil) -> JSONSyntaxError {
            JSONSyntaxError(offset: offset ?? position, reason: reason)
        }

        mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> JSONValue {
            guard let byte = peek() else { throw error("unexpected end of input, expected a value") }
            switch byte {
            case UInt8(ascii: "{"): return .object(try parseObject(depth: depth + 1))
            case UInt8(ascii: "["): return .array(try parseArray(depth: depth + 1))
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw error("unexpected \(describe(byte)), expected a value")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
            let start = position
            for unsafe expected in unsafe UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount) {
                guard peek() == expected else { throw error("invalid literal, expected '\(literal)'", at: start) }
                position += 1
            }
        }

        /// The members of the object whose '{' the cursor is at: each key goes to `member` with the cursor at
        /// its value, which `member` reads. The object grammar of `parseObject` and `JSONParser.readObject`.
        static func parseMembers(
            _ cursor: inout Cursor, _ member: (String, inout Cursor) throws(JSONSyntaxError) -> Void
        ) throws(JSONSyntaxError) {
            cursor.position += 1  // {
            cursor.skipWhitespace()
            if cursor.peek() == UInt8(ascii: "}") { cursor.position += 1; return }
            while true {
                cursor.skipWhitespace()
                guard cursor.peek() == UInt8(ascii: "\"") else { throw cursor.error(expecting: "a string key") }
                let key = try cursor.parseString()
                cursor.skipWhitespace()
                guard cursor.peek() == UInt8(ascii: ":") else { throw cursor.error(expecting: "':'") }
                cursor.position += 1
                cursor.skipWhitespace()
                try member(key, &cursor)
                cursor.skipWhitespace()
                switch cursor.peek() {
                case UInt8(ascii: ","): cursor.position += 1
                case UInt8(ascii: "}"): cursor.position += 1; return
                default: throw cursor.error(expecting: "',' or '}'")
                }
            }
        }

        /// The elements of the array whose '[' the cursor is at: `element` reads each, the cursor at its start.
        static func parseElements(_ cursor: inout Cursor, _ element: (inout Cursor) throws(JSONSyntaxError) -> Void) throws(JSONSyntaxError) {
            cursor.position += 1  // [
            cursor.skipWhitespace()
            if cursor.peek() == UInt8(ascii: "]") { cursor.position += 1; return }
            while true {
                cursor.skipWhitespace()
                try element(&cursor)
                cursor.skipWhitespace()
                switch cursor.peek() {
                case UInt8(ascii: ","): cursor.position += 1
                case UInt8(ascii: "]"): cursor.position += 1; return
                default: throw cursor.error(expecting: "',' or ']'")
                }
            }
        }

        mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> JSONObject {
            guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
            // The pairs gather in arrays with room for a paper record's, made into an object at the end.
            var keys: [String] = [], values: [JSONValue] = []
            keys.reserveCapacity(16)
            values.reserveCapacity(16)
            try Cursor.parseMembers(&self) { (key: String, cursor: inout Cursor) throws(JSONSyntaxError) in
                guard keys.count < JSONParser.maximumKeys else { throw cursor.error("more than \(JSONParser.maximumKeys) keys in one object") }
                let value = try cursor.parseValue(depth: depth)
                if let earlier = JSONObject.index(of: key, in: keys) { values[earlier] = value } else {
                    keys.append(key)
                    values.append(value)
                }
            }
            return JSONObject(keys: keys, values: values)
        }

        mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> [JSONValue] {
            guard depth <= JSONParser.maximumDepth else { throw error("nesting deeper than \(JSONParser.maximumDepth)") }
            var array: [JSONValue] = []
            try Cursor.parseElements(&self) { (cursor: inout Cursor) throws(JSONSyntaxError) in
                array.append(try cursor.parseValue(depth: depth))
            }
            return array
        }

        func error(expecting what: String) -> JSONSyntaxError {
            guard let byte = peek() else { return error("unexpected end of input, expected \(what)") }
            return error("unexpected \(describe(byte)), expected \(what)")
        }

        func describe(_ byte: UInt8) -> String {
            if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
            return "byte 0x\(String(byte, radix: 16))"
        }

        mutating func parseNumber() throws(JSONSyntaxError) -> String {
            let start = position
            if peek() == UInt8(ascii: "-") { position += 1 }
            guard let first = peek(), isDigit(first) else { throw error("invalid number", at: start) }
            position += 1
            if first != UInt8(ascii: "0") { while let byte = peek(), isDigit(byte) { position += 1 } }
            if peek() == UInt8(ascii: ".") {
                position += 1
                guard let byte = peek(), isDigit(byte) else { throw error("invalid number", at: start) }
                while let byte = peek(), isDigit(byte) { position += 1 }
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                position += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
                guard let byte = peek(), isDigit(byte) else { throw error("invalid number", at: start) }
                while let byte = peek(), isDigit(byte) { position += 1 }
            }
            return unsafe String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        /// Moves `position` over whole 8-byte words that hold no quote, backslash or control character, the
        /// bytes a string's scan must stop at (SWAR: a word's byte is flagged when subtracting 1, or 0x20,
        /// borrows into its top bit). Stops at the first word that may hold one; the byte loop finds it.
        @inline(__always)
        mutating func skipPlainStringBytes() {
            guard let base = unsafe bytes.baseAddress else { return }
            while position + 8 <= end {
                let word = unsafe UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                if JSONText.mayNeedEscape(word) { return }
                position += 8
            }
        }

        /// Parses a string starting at its opening quote. Runs without escapes are validated and copied whole.
        mutating func parseString() throws(JSONSyntaxError) -> String {
            let start = position
            position += 1
            let runStart = position
            while position < end {
                skipPlainStringBytes()
                guard position < end else { break }
                let byte = unsafe bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let run = unsafe UnsafeBufferPointer(rebasing: bytes[runStart..<position])
                    guard let text = unsafe JSONText.string(run) else {
                        throw error("invalid UTF-8 in a string", at: unsafe firstInvalidUTF8(in: run, base: runStart))
                    }
                    position += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error("unescaped control character in a string") }
                position += 1
            }
            guard position < end else { throw error("unterminated string", at: start) }
            // Slow path: the string has escapes.
            var utf8: [UInt8] = []
            utf8.reserveCapacity(2 * (position - runStart) + 64)
            unsafe utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<position]))
            while position < end {
                let byte = unsafe bytes[position]
                switch byte {
                case UInt8(ascii: "\""):
                    position += 1
                    guard let text = unsafe utf8.withUnsafeBufferPointer({ unsafe JSONText.string($0) }) else {
                        throw error("invalid UTF-8 in a string", at: start)
                    }
                    return text
                case UInt8(ascii: "\\"):
                    position += 1
                    guard let escape = peek() else { throw error("unterminated string", at: start) }
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"): appendScalar(try parseUnicodeEscape(), to: &utf8)
                    default: throw error("invalid escape \\\(Character(Unicode.Scalar(escape)))", at: position - 2)
                    }
                default:
                    // A run of plain bytes up to the next quote, escape or control character, copied at once.
                    let run = position
                    while position < end {
                        skipPlainStringBytes()
                        guard position < end else { break }
                        let next = unsafe bytes[position]
                        if next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") || next < 0x20 { break }
                        position += 1
                    }
                    if position == run { throw error("unescaped control character in a string") }
                    unsafe utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<position]))
                }
            }
            throw error("unterminated string", at: start)
        }

        /// Parses the hex digits after `\u`, joining surrogate pairs; a lone surrogate becomes U+FFFD.
        mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
            let high = try parseHex4()
            if (0xD800...0xDBFF).contains(high) {
                if position + 1 < end, unsafe bytes[position] == UInt8(ascii: "\\"),
                   unsafe bytes[position + 1] == UInt8(ascii: "u") {
                    let save = position
                    position += 2
                    let low = try parseHex4()
                    if (0xDC00...0xDFFF).contains(low) {
                        let value = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        return Unicode.Scalar(value) ?? "\u{FFFD}"
                    }
                    position = save
                }
                return "\u{FFFD}"
            }
            return Unicode.Scalar(high) ?? "\u{FFFD}"
        }

        mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = peek() else { throw error("unterminated \\u escape") }
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw error("invalid hex digit in \\u escape")
                }
                value = value << 4 | digit
                position += 1
            }
            return value
        }

        func appendScalar(_ scalar: Unicode.Scalar, to utf8: inout [UInt8]) {
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        }

        func firstInvalidUTF8(in run: UnsafeBufferPointer<UInt8>, base: Int) -> Int {
            var offset = 0
            var decoder = UTF8()
            var iterator = unsafe run.makeIterator()
            var consumed = 0
            while true {
                switch unsafe decoder.decode(&iterator) {
                case let .scalarValue(scalar):
                    consumed += UTF8.width(scalar)
                    offset = consumed
                case .emptyInput: return base + offset
                case .error: return base + offset
                }
            }
        }
    }
}

/// Reads one field's value for `JSONParser.readObject`, as the type the caller expects; any other type is a
/// syntax error.
package struct JSONFieldReader {
    fileprivate var cursor: JSONParser.Cursor

    /// A string, or nil for null.
    package mutating func stringOrNull() throws(JSONSyntaxError) -> String? {
        switch cursor.peek() {
        case UInt8(ascii: "\""): return try cursor.parseString()
        case UInt8(ascii: "n"): try cursor.expectLiteral("null"); return nil
        default: throw cursor.error(expecting: "a string or null")
        }
    }

    /// An array of strings.
    package mutating func strings() throws(JSONSyntaxError) -> [String] {
        guard cursor.peek() == UInt8(ascii: "[") else { throw cursor.error(expecting: "an array of strings") }
        var strings: [String] = []
        try JSONParser.Cursor.parseElements(&cursor) { (cursor: inout JSONParser.Cursor) throws(JSONSyntaxError) in
            guard cursor.peek() == UInt8(ascii: "\"") else { throw cursor.error(expecting: "a string") }
            strings.append(try cursor.parseString())
        }
        return strings
    }

    /// An integer, or nil for null.
    package mutating func integerOrNull() throws(JSONSyntaxError) -> Int? {
        if cursor.peek() == UInt8(ascii: "n") {
            try cursor.expectLiteral("null")
            return nil
        }
        let start = cursor.position
        guard let integer = Int(try cursor.parseNumber()) else { throw cursor.error("not an integer", at: start) }
        return integer
    }

    /// Any value.
    package mutating func value() throws(JSONSyntaxError) -> JSONValue {
        try cursor.parseValue(depth: 1)
    }
}
