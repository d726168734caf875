/// Parses the query language:
///
///     quantum error correction          any of the words (ranked OR)
///     +quantum -classical               quantum required, classical excluded
///     quantum AND (error OR noise)      boolean operators (AND binds tighter than OR), NOT, parentheses
///     "surface code"                    a phrase
///     title:transformer                 a field: title, abstract, author, venue, category, id
///     author:"Zechun Liu"               one author's name, in any order, with initials ("Liu, Z.")
///     category:cs.LG  category:cs       a category whole, or any of an archive
///     title:(binary OR ternary)         a group in a field
///     year:2021  year:2019..2023        years: one, a range, or year:>=2020, >2020, <=2020, <2020
///     quantiz*                          every term that starts with "quantiz"
///     tranformer~  tranformer~2         the word and its near spellings (one or two edits)
///     =BNN                              the word as written: no acronym expansion, no correction
///
/// Juxtaposed clauses are alternatives (OR) unless marked with `+` or `-`, as in Lucene — except that a
/// required clause that only filters (a year, category, venue, author or id) leaves the other clauses
/// required as a group: `quantum +year:2025` is quantum papers of 2025 (see `PlanBuilder`). `word:` where
/// the word is not a field name is text (a pasted title "BERT: Pre-training of ..." or "arXiv:2506.01967"),
/// with a notice. Operators are upper case; lower-case "and", "or", "not" are words. Errors carry the character position. A query may be
/// up to `maximumLength` characters long and nest parentheses `Query.maximumDepth` deep.
public enum QueryParser {
    /// The longest query text parsed (a pasted abstract is a few thousand characters).
    public static let maximumLength = 65_536

    public static func parse(_ text: String) throws(QueryError) -> Query {
        var notices: [String] = []
        return try parse(text, notices: &notices)
    }

    /// Parses, adding to `notices` what was read otherwise than it may look (an unknown field read as text).
    public static func parse(_ text: String, notices: inout [String]) throws(QueryError) -> Query {
        guard text.utf8.count <= maximumLength || text.count <= maximumLength else {
            throw QueryError(position: 0, message: "the query is longer than \(maximumLength) characters", query: "")
        }
        var parser = Parser(text: text)
        let query = try parser.parseSequence(untilClosingParenthesis: false)
        notices += parser.notices
        return query
    }

    /// The query as plain words: every character that is not part of a word separates words, so quotes,
    /// dashes and brackets are not syntax. This is how test collections' queries are run (`--plain`).
    public static func plainWords(_ text: String) -> Query { .words(text, field: .text) }
}

/// Works on the query's UTF-8 bytes: the syntax is ASCII, and a byte of a multi-byte character never
/// equals an ASCII one. Error positions are counted in characters, as the user sees the query.
private struct Parser {
    let text: String
    let bytes: [UInt8]
    var index = 0
    /// How many groups enclose the current position.
    var depth = 1
    var notices: [String] = []

    init(text: String) {
        self.text = text
        bytes = Array(text.utf8)
    }

    /// `byteOffset` as a character position.
    func error(_ message: String, at byteOffset: Int) -> QueryError {
        let position = String(decoding: bytes[..<min(max(0, byteOffset), bytes.count)], as: UTF8.self).count
        return QueryError(position: position, message: message, query: text)
    }

    var atEnd: Bool { index >= bytes.count }

    /// The length in bytes of the white space character at `offset` (0: none there): ASCII white space and
    /// the Unicode space separators a pasted query may hold (no-break, en, em, thin, ideographic …).
    func whitespaceLength(at offset: Int) -> Int {
        guard offset < bytes.count else { return 0 }
        let byte = bytes[offset]
        if byte == 0x20 || (0x09...0x0D).contains(byte) { return 1 }
        guard byte >= 0xC2, offset + 1 < bytes.count else { return 0 }
        let second = bytes[offset + 1]
        if byte == 0xC2 { return second == 0x85 || second == 0xA0 ? 2 : 0 }
        guard offset + 2 < bytes.count else { return 0 }
        let third = bytes[offset + 2]
        switch (byte, second) {
        case (0xE1, 0x9A): return third == 0x80 ? 3 : 0  // U+1680
        case (0xE2, 0x80): return (0x80...0x8A).contains(third) || third == 0xA8 || third == 0xA9 || third == 0xAF ? 3 : 0
        case (0xE2, 0x81): return third == 0x9F ? 3 : 0  // U+205F
        case (0xE3, 0x80): return third == 0x80 ? 3 : 0  // U+3000
        default: return 0
        }
    }

    func isWhitespace(at offset: Int) -> Bool { whitespaceLength(at: offset) > 0 }

    mutating func skipSpaces() {
        while case let length = whitespaceLength(at: index), length > 0 { index += length }
    }

    /// Whether the upper-case operator `word` stands at the current position, as a whole word.
    func atOperator(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { letters in
            letters.indices.allSatisfy { letters[$0] == bytes[index + $0] }
        }
        guard matches else { return false }
        let after = index + count
        return after == bytes.count || isWhitespace(at: after) || bytes[after] == UInt8(ascii: "(") || bytes[after] == UInt8(ascii: ")")
    }

    /// A sequence of clauses up to the end (or a closing parenthesis): alternatives unless marked.
    mutating func parseSequence(untilClosingParenthesis: Bool) throws(QueryError) -> Query {
        var must: [Query] = [], should: [Query] = [], mustNot: [Query] = []
        while true {
            skipSpaces()
            if atEnd { break }
            if bytes[index] == UInt8(ascii: ")") {
                if untilClosingParenthesis { break }
                throw error("unbalanced parenthesis: ')' without '('", at: index)
            }
            if atOperator("AND") || atOperator("OR") {
                throw error("'\(atOperator("AND") ? "AND" : "OR")' needs a clause before it", at: index)
            }
            let (occurrence, clause) = try parseOrExpression()
            switch occurrence {
            case .must: must.append(clause)
            case .should: should.append(clause)
            case .mustNot: mustNot.append(clause)
            }
        }
        if must.isEmpty && mustNot.isEmpty && should.count == 1 { return should[0] }
        return .boolean(must: must, should: should, mustNot: mustNot)
    }

    enum Occurrence { case must, should, mustNot }

    /// `a OR b OR c`; a single clause keeps its own `+`/`-`.
    mutating func parseOrExpression() throws(QueryError) -> (Occurrence, Query) {
        var (occurrence, first) = try parseAndExpression()
        var alternatives: [Query] = []
        while true {
            let save = index
            skipSpaces()
            guard atOperator("OR") else { index = save; break }
            let operatorPosition = index
            index += 2
            skipSpaces()
            guard !atEnd, bytes[index] != UInt8(ascii: ")") else { throw error("'OR' needs a clause after it", at: operatorPosition) }
            if alternatives.isEmpty { alternatives.append(occurrence == .mustNot ? .boolean(must: [], should: [], mustNot: [first]) : first) }
            let (nextOccurrence, next) = try parseAndExpression()
            alternatives.append(nextOccurrence == .mustNot ? .boolean(must: [], should: [], mustNot: [next]) : next)
            occurrence = .should
        }
        if !alternatives.isEmpty { first = .boolean(must: [], should: alternatives, mustNot: []) }
        return (occurrence, first)
    }

    /// `a AND b AND NOT c`: all required.
    mutating func parseAndExpression() throws(QueryError) -> (Occurrence, Query) {
        let (occurrence, first) = try parseModified()
        var must: [Query] = [], mustNot: [Query] = []
        var sawAnd = false
        while true {
            let save = index
            skipSpaces()
            guard atOperator("AND") else { index = save; break }
            let operatorPosition = index
            index += 3
            skipSpaces()
            guard !atEnd, bytes[index] != UInt8(ascii: ")") else { throw error("'AND' needs a clause after it", at: operatorPosition) }
            if !sawAnd {
                sawAnd = true
                if occurrence == .mustNot { mustNot.append(first) } else { must.append(first) }
            }
            let (nextOccurrence, next) = try parseModified()
            if nextOccurrence == .mustNot { mustNot.append(next) } else { must.append(next) }
        }
        if sawAnd { return (.should, .boolean(must: must, should: [], mustNot: mustNot)) }
        return (occurrence, first)
    }

    /// `+clause`, `-clause`, `NOT clause`, or a plain clause.
    mutating func parseModified() throws(QueryError) -> (Occurrence, Query) {
        skipSpaces()
        guard !atEnd else { throw error("a clause is missing", at: index) }
        if bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let plus = bytes[index] == UInt8(ascii: "+")
            index += 1
            guard !atEnd, !isWhitespace(at: index) else { throw error("'\(plus ? "+" : "-")' must stand right before a clause", at: index - 1) }
            return (plus ? .must : .mustNot, try parsePrimary())
        }
        if atOperator("NOT") {
            let position = index
            index += 3
            skipSpaces()
            guard !atEnd, bytes[index] != UInt8(ascii: ")") else { throw error("'NOT' needs a clause after it", at: position) }
            return (.mustNot, try parsePrimary())
        }
        return (.should, try parsePrimary())
    }

    /// A group, a phrase, a field clause, a prefix or words.
    mutating func parsePrimary(field: QueryField? = nil) throws(QueryError) -> Query {
        skipSpaces()
        guard !atEnd else { throw error("a clause is missing", at: index) }
        let start = index
        let byte = bytes[index]
        if byte == UInt8(ascii: "(") {
            guard depth < Query.maximumDepth else {
                throw error("parentheses nest deeper than \(Query.maximumDepth) levels", at: start)
            }
            index += 1
            depth += 1
            defer { depth -= 1 }
            let group = try parseSequence(untilClosingParenthesis: true)
            guard !atEnd, bytes[index] == UInt8(ascii: ")") else { throw error("unbalanced parenthesis: '(' is never closed", at: start) }
            index += 1
            if case let .boolean(must, should, mustNot) = group, must.isEmpty, should.isEmpty, mustNot.isEmpty {
                throw error("empty parentheses", at: start)
            }
            return field.map { Parser.scoped(group, to: $0) } ?? group
        }
        if byte == UInt8(ascii: "\"") {
            index += 1
            let textStart = index
            while index < bytes.count && bytes[index] != UInt8(ascii: "\"") { index += 1 }
            guard index < bytes.count else { throw error("unbalanced quote: the phrase is never closed", at: start) }
            let phrase = String(decoding: bytes[textStart..<index], as: UTF8.self)
            index += 1
            return .phrase(phrase, field: field ?? .text)
        }
        // A bare token: up to white space, a parenthesis or a quote.
        while index < bytes.count, !isWhitespace(at: index), bytes[index] != UInt8(ascii: "("), bytes[index] != UInt8(ascii: ")"),
              bytes[index] != UInt8(ascii: "\"") {
            index += 1
        }
        let token = bytes[start..<index]
        @inline(__always) func string(_ part: ArraySlice<UInt8>) -> String { String(decoding: part, as: UTF8.self) }
        if field == nil, let colon = token.firstIndex(of: UInt8(ascii: ":")), colon != start {
            let name = string(token[..<colon]).lowercased()
            let valueStart = colon + 1
            let value = token[valueStart...]
            if name == "year" { return .years(try parseYears(string(value), at: valueStart)) }
            guard let scoped = Parser.field(named: name) else {
                // A URL or an arXiv id is plainly not meant as a field (and finds the paper, see `PlanBuilder`).
                let whole = string(token)
                let plainlyNotAField = value.starts(with: "//".utf8) || PaperID.arxivID(in: whole) != nil
                if name.allSatisfy({ $0.isLetter }) && !plainlyNotAField && !notices.contains(where: { $0.hasPrefix("'\(name):'") }) {
                    notices.append("'\(name):' is not a field (fields: \(Parser.fieldNames)); it was searched as words")
                }
                return .words(whole, field: .text)
            }
            index = valueStart
            guard !atEnd, !isWhitespace(at: index), bytes[index] != UInt8(ascii: ")") else {
                throw error("'\(name):' needs a value", at: start)
            }
            return try parsePrimary(field: scoped)
        }
        if token.count > 1, token.last == UInt8(ascii: "*"), !token.dropLast().contains(UInt8(ascii: "*")) {
            return .prefix(string(token.dropLast()), field: field ?? .text)
        }
        // =word: the word as written (no acronym expansion, no correction), as word~0.
        if token.count > 1, token.first == UInt8(ascii: "="), token[start + 1] != UInt8(ascii: "=") {
            return .fuzzy(string(token.dropFirst()), distance: 0, field: field ?? .text)
        }
        // word~ and word~N: a fuzzy word.
        if let tilde = token.lastIndex(of: UInt8(ascii: "~")), tilde != start {
            let word = string(token[..<tilde]), edits = token[(tilde + 1)...]
            if edits.isEmpty { return .fuzzy(word, distance: nil, field: field ?? .text) }
            guard let distance = Int(string(edits)), distance >= 0, distance <= Query.maximumEdits else {
                throw error("'~' takes a number of edits from 0 to \(Query.maximumEdits) ('\(string(token))')", at: tilde + 1)
            }
            return .fuzzy(word, distance: distance, field: field ?? .text)
        }
        return .words(string(token), field: field ?? .text)
    }

    static let fieldNames = "title, abstract, author, venue, category, id, year"

    static func field(named name: String) -> QueryField? {
        switch name {
        case "title": return .title
        case "abstract": return .abstract
        case "author", "authors": return .author
        case "venue": return .venue
        case "category", "categories": return .category
        case "id": return .id
        case "text": return .text
        default: return nil
        }
    }

    /// Puts every unscoped clause of a group into `field`.
    static func scoped(_ query: Query, to field: QueryField) -> Query {
        switch query {
        case let .words(text, .text): return .words(text, field: field)
        case let .phrase(text, .text): return .phrase(text, field: field)
        case let .prefix(text, .text): return .prefix(text, field: field)
        case let .fuzzy(text, distance, .text): return .fuzzy(text, distance: distance, field: field)
        case let .boolean(must, should, mustNot):
            return .boolean(must: must.map { scoped($0, to: field) }, should: should.map { scoped($0, to: field) },
                            mustNot: mustNot.map { scoped($0, to: field) })
        default: return query
        }
    }

    /// `2021`, `2019..2023`, `>=2020`, `>2020`, `<=2020`, `<2020`; `position` is the value's byte offset.
    func parseYears(_ value: String, at position: Int) throws(QueryError) -> ClosedRange<Int> {
        func year(_ text: Substring, at offset: Int) throws(QueryError) -> Int {
            guard let number = Int(text), (0...9999).contains(number) else {
                throw error("'\(text)' is not a year (use year:2021, year:2019..2023 or year:>=2020)", at: position + offset)
            }
            return number
        }
        guard !value.isEmpty else { throw error("'year:' needs a value", at: position - 5) }
        if let dots = value.firstRange(of: "..") {
            let low = try year(value[..<dots.lowerBound], at: 0)
            let high = try year(value[dots.upperBound...], at: value.utf8.distance(from: value.startIndex, to: dots.upperBound))
            guard low <= high else { throw error("the year range \(low)..\(high) is empty", at: position) }
            return low...high
        }
        for (symbol, bounds) in [(">=", { (y: Int) in (y, 9999) }), ("<=", { (y: Int) in (0, y) }),
                                 (">", { (y: Int) in (y + 1, 9999) }), ("<", { (y: Int) in (0, y - 1) })]
        where value.hasPrefix(symbol) {
            let (low, high) = bounds(try year(value.dropFirst(symbol.count), at: symbol.count))
            guard low <= high else { throw error("the year range is empty", at: position) }
            return low...high
        }
        let single = try year(Substring(value), at: 0)
        return single...single
    }
}
