/// How the analyzer treats each Unicode scalar outside ASCII: case folding, diacritic folding, compatibility
/// forms (full-width letters and digits, ligatures, mathematical alphanumerics), Greek letters spelled out as
/// their English names ("θ" and LaTeX's `\theta` both become `theta`), Unicode hyphens and apostrophes, and
/// marks that vanish inside a word.
///
/// The generated table (`CharacterFolding+Table.swift`) lists only the scalars whose treatment differs from
/// the fallback: other alphabetic scalars are letters lowercased by Swift's Unicode data; CJK ideographs and
/// kana are tokens of their own (they are not space-separated); anything else separates tokens.
enum CharacterFolding {
    /// What a scalar does in a token.
    enum Kind: UInt8, Sendable {
        /// Part of a word; contributes its folded text.
        case letter
        /// A digit; contributes its folded text.
        case digit
        /// A token on its own (Greek letters, CJK ideographs), with its folded text.
        case standalone
        /// Vanishes without breaking the word (combining marks, zero-width characters, soft hyphens).
        case dropped
        /// Joins compounds like an ASCII hyphen.
        case hyphen
        /// Works like an ASCII apostrophe.
        case apostrophe
        /// Ends a token.
        case separator
    }

    /// The treatment of one scalar: its kind, and the UTF-8 text it contributes (`pool[start..<end]`).
    struct Entry: Sendable {
        var kind: Kind
        var start: Int32
        var end: Int32
    }

    /// The table, decoded once: scalar -> entry, with all folded text in one byte pool.
    struct Table: Sendable {
        var entries: [UInt32: Entry] = [:]
        var pool: [UInt8] = []
    }

    /// Decoded from the UTF-8 bytes of `encodedTable` (lines of "hex kind [text]"): splitting it as Strings
    /// took 28 million instructions, about 10 ms, paid by the first paper or query with a non-ASCII letter.
    static let table: Table = {
        var table = Table()
        table.entries.reserveCapacity(4096)
        let bytes = Array(encodedTable.utf8)
        var at = 0
        // The next field of the line, a run of bytes other than space and newline.
        func field() -> Range<Int>? {
            while at < bytes.count && bytes[at] == 0x20 { at += 1 }
            let start = at
            while at < bytes.count && bytes[at] != 0x20 && bytes[at] != 0x0A { at += 1 }
            return at > start ? start..<at : nil
        }
        while at < bytes.count {
            defer {
                while at < bytes.count && bytes[at] != 0x0A { at += 1 }
                at += 1
            }
            guard let code = field(), code.count <= 6, let kindField = field(), kindField.count == 1 else { continue }
            var value: UInt32 = 0
            var isHex = true
            for byte in bytes[code] {
                switch byte {
                case 0x30...0x39: value = value << 4 | UInt32(byte - 0x30)
                case 0x41...0x46: value = value << 4 | UInt32(byte - 0x41 + 10)
                default: isHex = false
                }
            }
            let kind: Kind
            switch bytes[kindField.lowerBound] {
            case UInt8(ascii: "L"): kind = .letter
            case UInt8(ascii: "D"): kind = .digit
            case UInt8(ascii: "G"): kind = .standalone
            case UInt8(ascii: "M"): kind = .dropped
            case UInt8(ascii: "H"): kind = .hyphen
            case UInt8(ascii: "A"): kind = .apostrophe
            default: continue
            }
            guard isHex else { continue }
            let start = Int32(table.pool.count)
            if let folded = field() { table.pool.append(contentsOf: bytes[folded]) }
            table.entries[value] = Entry(kind: kind, start: start, end: Int32(table.pool.count))
        }
        return table
    }()

    /// Folds one non-ASCII scalar: its kind, and the text it contributes appended to `output`.
    static func fold(_ scalar: Unicode.Scalar, into output: inout [UInt8]) -> Kind {
        let table = CharacterFolding.table
        if let entry = table.entries[scalar.value] {
            output.append(contentsOf: table.pool[Int(entry.start)..<Int(entry.end)])
            return entry.kind
        }
        if isIdeographic(scalar.value) {
            output.append(contentsOf: String(Character(scalar)).utf8)
            return .standalone
        }
        let properties = scalar.properties
        if properties.isAlphabetic {
            output.append(contentsOf: properties.lowercaseMapping.utf8)
            return .letter
        }
        if properties.numericType == .decimal {
            output.append(contentsOf: String(Character(scalar)).utf8)
            return .digit
        }
        return .separator
    }

    /// The kind of a non-ASCII scalar, without its text.
    static func kind(of scalar: Unicode.Scalar) -> Kind {
        if let entry = table.entries[scalar.value] { return entry.kind }
        if isIdeographic(scalar.value) { return .standalone }
        let properties = scalar.properties
        if properties.isAlphabetic { return .letter }
        if properties.numericType == .decimal { return .digit }
        return .separator
    }

    /// CJK ideographs and Japanese kana: scripts written without spaces, so each scalar is a token
    /// (as Lucene's StandardTokenizer does).
    static func isIdeographic(_ value: UInt32) -> Bool {
        (0x3040...0x30FF).contains(value) || (0x3400...0x4DBF).contains(value) || (0x4E00...0x9FFF).contains(value)
            || (0xF900...0xFAFF).contains(value) || (0x20000...0x2FA1F).contains(value)
    }
}
