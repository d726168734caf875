import Testing
@testable import PaperSearch

@Suite("Query parser")
struct QueryParserTests {
    func parse(_ text: String) throws -> Query { try QueryParser.parse(text) }

    @Test func wordsPhrasesFieldsAndPrefixes() throws {
        #expect(try parse("quantum") == .words("quantum", field: .text))
        #expect(try parse("quantum error") == .boolean(must: [], should: [.words("quantum", field: .text), .words("error", field: .text)], mustNot: []))
        #expect(try parse("\"surface code\"") == .phrase("surface code", field: .text))
        #expect(try parse("title:transformer") == .words("transformer", field: .title))
        #expect(try parse("author:\"Zechun Liu\"") == .phrase("Zechun Liu", field: .author))
        #expect(try parse("category:cs.LG") == .words("cs.LG", field: .category))
        #expect(try parse("id:2506.01967v2") == .words("2506.01967v2", field: .id))
        #expect(try parse("venue:NeurIPS") == .words("NeurIPS", field: .venue))
        #expect(try parse("quantiz*") == .prefix("quantiz", field: .text))
        #expect(try parse("abstract:quantiz*") == .prefix("quantiz", field: .abstract))
        #expect(try parse("tranformer~") == .fuzzy("tranformer", distance: nil, field: .text))
        #expect(try parse("title:tranformer~2") == .fuzzy("tranformer", distance: 2, field: .title))
        #expect(try parse("title:(tranformer~1 model)") == .boolean(must: [], should: [.fuzzy("tranformer", distance: 1, field: .title), .words("model", field: .title)], mustNot: []))
        #expect(try parse("~") == .words("~", field: .text))
        #expect(try parse("title:(binary ternary)") == .boolean(must: [], should: [.words("binary", field: .title), .words("ternary", field: .title)], mustNot: []))
        // A colon after something that is not a field name is part of the word (a ratio), and an unknown
        // field name is text, with a notice.
        #expect(try parse("3:1") == .words("3:1", field: .text))
        var notices: [String] = []
        #expect(try QueryParser.parse("BERT: Pre-training", notices: &notices)
            == .boolean(must: [], should: [.words("BERT:", field: .text), .words("Pre-training", field: .text)], mustNot: []))
        #expect(notices == ["'bert:' is not a field (fields: title, abstract, author, venue, category, id, year); it was searched as words"])
        notices = []
        #expect(try QueryParser.parse("arXiv:2506.01967 https://arxiv.org/abs/2506.01967", notices: &notices) == .boolean(
            must: [], should: [.words("arXiv:2506.01967", field: .text), .words("https://arxiv.org/abs/2506.01967", field: .text)], mustNot: []))
        #expect(notices.isEmpty)
    }

    @Test func years() throws {
        #expect(try parse("year:2021") == .years(2021...2021))
        #expect(try parse("year:2019..2023") == .years(2019...2023))
        #expect(try parse("year:>=2020") == .years(2020...9999))
        #expect(try parse("year:>2020") == .years(2021...9999))
        #expect(try parse("year:<=2020") == .years(0...2020))
        #expect(try parse("year:<2020") == .years(0...2019))
    }

    @Test func booleanOperatorsAndModifiers() throws {
        let q = Query.words("q", field: .text), e = Query.words("e", field: .text), n = Query.words("n", field: .text)
        #expect(try parse("+q -e n") == .boolean(must: [q], should: [n], mustNot: [e]))
        #expect(try parse("q AND e") == .boolean(must: [q, e], should: [], mustNot: []))
        #expect(try parse("q OR e") == .boolean(must: [], should: [q, e], mustNot: []))
        #expect(try parse("q AND NOT e") == .boolean(must: [q], should: [], mustNot: [e]))
        #expect(try parse("NOT e q") == .boolean(must: [], should: [q], mustNot: [e]))
        // AND binds tighter than OR.
        #expect(try parse("q OR e AND n") == .boolean(must: [], should: [q, .boolean(must: [e, n], should: [], mustNot: [])], mustNot: []))
        #expect(try parse("q AND (e OR n)") == .boolean(must: [q, .boolean(must: [], should: [e, n], mustNot: [])], should: [], mustNot: []))
        // Lower-case words are words.
        #expect(try parse("q and e") == .boolean(must: [], should: [q, .words("and", field: .text), e], mustNot: []))
    }

    @Test("errors point at the problem", arguments: [
        ("quantum \"error", 8, "unbalanced quote: the phrase is never closed"),
        ("(quantum error", 0, "unbalanced parenthesis: '(' is never closed"),
        ("quantum)", 7, "unbalanced parenthesis: ')' without '('"),
        ("year:20x1", 5, "'20x1' is not a year (use year:2021, year:2019..2023 or year:>=2020)"),
        ("year:2023..2019", 5, "the year range 2023..2019 is empty"),
        ("AND quantum", 0, "'AND' needs a clause before it"),
        ("quantum AND", 8, "'AND' needs a clause after it"),
        ("quantum OR", 8, "'OR' needs a clause after it"),
        ("()", 0, "empty parentheses"),
        ("title:", 0, "'title:' needs a value"),
        ("+ quantum", 0, "'+' must stand right before a clause"),
        ("year:<0", 5, "the year range is empty"),
        ("quantum tranformer~3", 19, "'~' takes a number of edits from 0 to 2 ('tranformer~3')"),
        ("tranformer~x", 11, "'~' takes a number of edits from 0 to 2 ('tranformer~x')"),
        // Positions count characters, not bytes; a no-break space separates like a space.
        ("naïve Schrödinger AND", 18, "'AND' needs a clause after it"),
        ("naïve\u{00A0}+\u{3000}x", 6, "'+' must stand right before a clause"),
        ("café year:2019..20x1", 16, "'20x1' is not a year (use year:2021, year:2019..2023 or year:>=2020)"),
    ])
    func errors(text: String, position: Int, message: String) {
        #expect(throws: QueryError(position: position, message: message, query: text)) { _ = try QueryParser.parse(text) }
    }

    @Test func errorDescriptionShowsACaret() {
        let error = QueryError(position: 8, message: "unbalanced quote", query: "quantum \"error")
        #expect(error.description == "unbalanced quote at position 8\n  quantum \"error\n          ^")
    }
}
