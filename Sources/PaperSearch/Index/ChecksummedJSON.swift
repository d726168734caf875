/// The index's JSON files (`manifest.json`, `commit-N.json`) end with their own checksum: they are the files
/// without a binary footer, and are checked whenever they are read.
///
///     {"format": ..., ..., "checksum": "crc32:1a2b3c4d"}
///
/// The checksum is the CRC-32 of every byte before `,"checksum"`.
enum ChecksummedJSON {
    private static let checksumKey = Array(",\"checksum\":\"crc32:".utf8)

    /// The object as written: one line of JSON ending with its checksum.
    static func bytes(_ value: JSONValue) -> [UInt8] {
        var writer = JSONWriter()
        writer.write(value)
        var bytes = writer.bytes
        guard bytes.last == UInt8(ascii: "}") else { return bytes }
        bytes.removeLast()
        let checksum = String(CRC32.checksum(bytes), radix: 16)
        bytes += checksumKey + Array((String(repeating: "0", count: 8 - checksum.count) + checksum).utf8)
        bytes += Array("\"}\n".utf8)
        return bytes
    }

    /// Checks the checksum of a file as read.
    static func check(_ bytes: [UInt8], path: String) throws(IndexError) {
        let key = checksumKey
        var found: Int?
        var start = bytes.count - key.count
        while start >= 0 {
            if bytes[start] == key[0] && bytes[start..<(start + key.count)].elementsEqual(key) {
                found = start
                break
            }
            start -= 1
        }
        guard let at = found else { throw .corrupt(file: path, reason: "the file has no checksum") }
        let digits = bytes[(at + key.count)...].prefix(8)
        guard digits.count == 8, let stored = UInt32(String(decoding: digits, as: UTF8.self), radix: 16) else {
            throw .corrupt(file: path, reason: "the file's checksum is unreadable")
        }
        let actual = CRC32.checksum(bytes[..<at])
        guard stored == actual else { throw .checksumMismatch(file: path, expected: stored, actual: actual) }
    }

    /// Field readers that report a missing or ill-typed field as damage to `path`.
    struct Fields {
        let object: JSONObject
        let path: String

        func corrupt(_ reason: String) -> IndexError { .corrupt(file: path, reason: reason) }

        func integer(_ key: String) throws(IndexError) -> Int {
            guard let number = object[key]?.integerValue else { throw corrupt("missing or bad \"\(key)\"") }
            return number
        }

        func count(_ key: String) throws(IndexError) -> Int {
            let number = try integer(key)
            guard number >= 0 else { throw corrupt("bad \"\(key)\"") }
            return number
        }

        func checksum(_ key: String) throws(IndexError) -> UInt32 {
            let number = try integer(key)
            guard number >= 0, number <= Int(UInt32.max) else { throw corrupt("bad \"\(key)\"") }
            return UInt32(number)
        }

        func double(_ key: String) throws(IndexError) -> Double {
            guard let text = object[key]?.stringOrNumberText, let number = Double(text) else { throw corrupt("missing or bad \"\(key)\"") }
            return number
        }

        func string(_ key: String) throws(IndexError) -> String {
            guard case let .string(text)? = object[key] else { throw corrupt("missing or bad \"\(key)\"") }
            return text
        }

        func object(_ key: String) throws(IndexError) -> Fields {
            guard case let .object(inner)? = object[key] else { throw corrupt("missing or bad \"\(key)\"") }
            return Fields(object: inner, path: path)
        }

        func array(_ key: String) throws(IndexError) -> [Fields] {
            guard case let .array(values)? = object[key] else { throw corrupt("missing or bad \"\(key)\"") }
            var result: [Fields] = []
            for value in values {
                guard case let .object(inner) = value else { throw corrupt("bad \"\(key)\" entry") }
                result.append(Fields(object: inner, path: path))
            }
            return result
        }

        func has(_ key: String) -> Bool {
            if case .null? = object[key] { return false }
            return object[key] != nil
        }
    }

    /// Parses an object (checksum not yet checked).
    static func fields(_ bytes: [UInt8], path: String) throws(IndexError) -> Fields {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw .corrupt(file: path, reason: "not valid JSON (\(error.reason) at byte \(error.offset))")
        }
        guard case let .object(object) = value else { throw .corrupt(file: path, reason: "not a JSON object") }
        return Fields(object: object, path: path)
    }
}
