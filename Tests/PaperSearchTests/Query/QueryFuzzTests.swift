import Testing
@testable import PaperSearch

/// Every query text, however malformed or hostile, gets an answer or an error that points into the text;
/// nothing crashes, hangs or fails otherwise.
@Suite("Query fuzzing")
struct QueryFuzzTests {
    static let pieces = ["(", ")", "\"", "+", "-", "*", ":", "AND", "OR", "NOT", "title:", "abstract:", "author:", "venue:",
                         "category:", "year:", "year:2020", "year:>=2019", "year:1990..2000", "year:<", "..", "~", "\\", "=",
                         "pre-training", "state-of-the-art", "the", "of", "é", "量子", "🙂", "\u{0}", "\t", "\n", " ", "  "]

    /// A random query from pieces of the language and words of the index.
    static func generated(_ random: inout SplitMix64, vocabulary: [String]) -> String {
        let length = 1 + Int(random.next() % 12)
        var parts: [String] = []
        for _ in 0..<length {
            switch random.next() % 4 {
            case 0: parts.append(pieces[Int(random.next() % UInt64(pieces.count))])
            case 1: parts.append(vocabulary[Int(random.next() % UInt64(vocabulary.count))] + (random.next() % 5 == 0 ? "*" : ""))
            default: parts.append(vocabulary[Int(random.next() % UInt64(vocabulary.count))])
            }
        }
        let separator = random.next() % 3 == 0 ? "" : " "
        return parts.joined(separator: separator)
    }

    /// Random bytes, read as UTF-8 with damage replaced.
    static func noise(_ random: inout SplitMix64) -> String {
        let count = Int(random.next() % 40)
        let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        return String(decoding: bytes, as: UTF8.self)
    }

    func check(_ searcher: Searcher, _ text: String) throws {
        do {
            _ = try searcher.search(text, options: SearchOptions(limit: 10, snippets: false, records: false))
        } catch let error as SearchError {
            guard case let .query(problem) = error else {
                Issue.record("\(text.debugDescription): \(error)")
                return
            }
            #expect(problem.position >= 0 && problem.position <= text.count, "\(text.debugDescription): \(problem)")
            #expect(!problem.message.isEmpty)
        }
    }

    /// The query error `body` throws, or nil.
    static func queryError(_ body: () throws -> Void) -> QueryError? {
        do { try body() } catch {
            if let error = error as? SearchError, case let .query(problem) = error { return problem }
        }
        return nil
    }

    @Test func generatedAndRandomQueriesAnswerOrPointAtTheProblem() throws {
        let index = try SearchFixtures.bundled()
        let searcher = try Searcher(index: index)
        let vocabulary = try PruningTests.vocabulary(of: index, limit: 200)
        var random = SplitMix64(seed: 99)
        for round in 0..<20_000 {
            try check(searcher, round % 4 == 3 ? Self.noise(&random) : Self.generated(&random, vocabulary: vocabulary))
        }
    }

    @Test func deepNestingAndHugeQueriesAreRefusedWithAPosition() throws {
        let searcher = try Searcher(index: try SearchFixtures.bundled())
        for text in [String(repeating: "(", count: 10_000) + "quantum" + String(repeating: ")", count: 10_000),
                     String(repeating: "(a OR ", count: 5_000), String(repeating: "+(", count: 3_000) + "x"] {
            let problem = Self.queryError { _ = try searcher.search(text) }
            #expect(problem?.message.contains("nest deeper than \(Query.maximumDepth)") == true, "\(String(describing: problem))")
            #expect((problem?.position ?? 0) > 0)
        }
        let long = String(repeating: "quantum ", count: QueryParser.maximumLength / 4)
        #expect(throws: SearchError.self) { _ = try searcher.search(long) }
        // Queries built in code are checked too, without recursion.
        var deep = Query.words("quantum", field: .text)
        for _ in 0..<200 { deep = .boolean(must: [deep], should: [], mustNot: []) }
        #expect(throws: SearchError.self) { _ = try searcher.search(deep) }
    }

    /// Many prefixes, or a prefix of a single letter, are refused within the budget instead of taking seconds.
    @Test func prefixExpansionsAreCappedPerQuery() throws {
        let (index, _) = try SearchFixtures.arxiv()
        let searcher = try Searcher(index: index)
        let letters = "abcdefghijklmnopqrstuvwxyz".map(String.init)
        var many: [String] = []
        for first in letters { for second in letters { many.append(first + second + "*") } }
        let problem = Self.queryError { _ = try searcher.search(many.prefix(2000).joined(separator: " ")) }
        #expect(problem?.message.contains("words") == true, "\(String(describing: problem))")
        // A short prefix that matches fewer words than the budget still works, keeping the most frequent.
        let results = try searcher.search("quantiz*", options: SearchOptions(limit: 5, snippets: false, records: false))
        #expect(results.totalHits > 0)
    }
}
