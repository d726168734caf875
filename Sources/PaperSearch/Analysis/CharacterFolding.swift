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

    static let table: Table = {
        var table = Table()
        for line in encodedTable.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, let value = UInt32(fields[0], radix: 16) else { continue }
            let kind: Kind
            switch fields[1] {
            case "L": kind = .letter
            case "D": kind = .digit
            case "G": kind = .standalone
            case "M": kind = .dropped
            case "H": kind = .hyphen
            case "A": kind = .apostrophe
            default: continue
            }
            let start = Int32(table.pool.count)
            if fields.count > 2 { table.pool.append(contentsOf: fields[2].utf8) }
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
