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

private struct Parser {
    let text: String
    let characters: [Character]
    var index = 0
    /// How many groups enclose the current position.
    var depth = 1
    var notices: [String] = []

    init(text: String) {
        self.text = text
        characters = Array(text)
    }

    func error(_ message: String, at position: Int) -> QueryError {
        QueryError(position: position, message: message, query: text)
    }

    var atEnd: Bool { index >= characters.count }

    mutating func skipSpaces() {
        while index < characters.count && characters[index].isWhitespace { index += 1 }
    }

    /// Whether the upper-case operator `word` stands at the current position, as a whole word.
    func atOperator(_ word: String) -> Bool {
        let letters = Array(word)
        guard index + letters.count <= characters.count, Array(characters[index..<(index + letters.count)]) == letters else {
            return false
        }
        let after = index + letters.count
        return after == characters.count || characters[after].isWhitespace || characters[after] == "(" || characters[after] == ")"
    }

    /// A sequence of clauses up to the end (or a closing parenthesis): alternatives unless marked.
    mutating func parseSequence(untilClosingParenthesis: Bool) throws(QueryError) -> Query {
        var must: [Query] = [], should: [Query] = [], mustNot: [Query] = []
        while true {
            skipSpaces()
            if atEnd { break }
            if characters[index] == ")" {
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
            guard !atEnd, characters[index] != ")" else { throw error("'OR' needs a clause after it", at: operatorPosition) }
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
            guard !atEnd, characters[index] != ")" else { throw error("'AND' needs a clause after it", at: operatorPosition) }
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
        if characters[index] == "+" || characters[index] == "-" {
            let sign = characters[index]
            index += 1
            guard !atEnd, !characters[index].isWhitespace else { throw error("'\(sign)' must stand right before a clause", at: index - 1) }
            return (sign == "+" ? .must : .mustNot, try parsePrimary())
        }
        if atOperator("NOT") {
            let position = index
            index += 3
            skipSpaces()
            guard !atEnd, characters[index] != ")" else { throw error("'NOT' needs a clause after it", at: position) }
            return (.mustNot, try parsePrimary())
        }
        return (.should, try parsePrimary())
    }

    /// A group, a phrase, a field clause, a prefix or words.
    mutating func parsePrimary(field: QueryField? = nil) throws(QueryError) -> Query {
        skipSpaces()
        guard !atEnd else { throw error("a clause is missing", at: index) }
        let start = index
        let character = characters[index]
        if character == "(" {
            guard depth < Query.maximumDepth else {
                throw error("parentheses nest deeper than \(Query.maximumDepth) levels", at: start)
            }
            index += 1
            depth += 1
            defer { depth -= 1 }
            let group = try parseSequence(untilClosingParenthesis: true)
            guard !atEnd, characters[index] == ")" else { throw error("unbalanced parenthesis: '(' is never closed", at: start) }
            index += 1
            if case let .boolean(must, should, mustNot) = group, must.isEmpty, should.isEmpty, mustNot.isEmpty {
                throw error("empty parentheses", at: start)
            }
            return field.map { Parser.scoped(group, to: $0) } ?? group
        }
        if character == "\"" {
            index += 1
            let textStart = index
            while index < characters.count && characters[index] != "\"" { index += 1 }
            guard index < characters.count else { throw error("unbalanced quote: the phrase is never closed", at: start) }
            let phrase = String(characters[textStart..<index])
            index += 1
            return .phrase(phrase, field: field ?? .text)
        }
        // A bare token: up to white space or a parenthesis.
        while index < characters.count && !characters[index].isWhitespace && characters[index] != "(" && characters[index] != ")" {
            if characters[index] == "\"" { break }
            index += 1
        }
        let token = String(characters[start..<index])
        if field == nil, let colon = token.firstIndex(of: ":"), colon != token.startIndex {
            let name = token[..<colon].lowercased()
            let valueStart = start + token.distance(from: token.startIndex, to: colon) + 1
            if name == "year" {
                let value = String(token[token.index(after: colon)...])
                return .years(try parseYears(value, at: valueStart))
            }
            guard let scoped = Parser.field(named: name) else {
                // A URL or an arXiv id is plainly not meant as a field (and finds the paper, see `PlanBuilder`).
                let value = token[token.index(after: colon)...]
                let plainlyNotAField = value.hasPrefix("//") || PaperID.arxivID(in: token) != nil
                if name.allSatisfy({ $0.isLetter }) && !plainlyNotAField && !notices.contains(where: { $0.hasPrefix("'\(name):'") }) {
                    notices.append("'\(name):' is not a field (fields: \(Parser.fieldNames)); it was searched as words")
                }
                return .words(token, field: .text)
            }
            index = valueStart
            guard !atEnd, !characters[index].isWhitespace, characters[index] != ")" else {
                throw error("'\(name):' needs a value", at: start)
            }
            return try parsePrimary(field: scoped)
        }
        if token.count > 1, token.hasSuffix("*"), !token.dropLast().contains("*") {
            return .prefix(String(token.dropLast()), field: field ?? .text)
        }
        // =word: the word as written (no acronym expansion, no correction), as word~0.
        if token.count > 1, token.hasPrefix("="), !token.dropFirst().hasPrefix("=") {
            return .fuzzy(String(token.dropFirst()), distance: 0, field: field ?? .text)
        }
        // word~ and word~N: a fuzzy word.
        if let tilde = token.lastIndex(of: "~"), tilde != token.startIndex {
            let word = String(token[..<tilde]), edits = token[token.index(after: tilde)...]
            if edits.isEmpty { return .fuzzy(word, distance: nil, field: field ?? .text) }
            guard let distance = Int(edits), distance >= 0, distance <= Query.maximumEdits else {
                throw error("'~' takes a number of edits from 0 to \(Query.maximumEdits) ('\(token)')", at: start + token.distance(from: token.startIndex, to: tilde) + 1)
            }
            return .fuzzy(word, distance: distance, field: field ?? .text)
        }
        return .words(token, field: field ?? .text)
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

    /// `2021`, `2019..2023`, `>=2020`, `>2020`, `<=2020`, `<2020`.
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
            let high = try year(value[dots.upperBound...], at: value.distance(from: value.startIndex, to: dots.upperBound))
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
