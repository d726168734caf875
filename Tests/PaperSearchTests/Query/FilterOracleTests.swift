import Testing
@testable import PaperSearch

/// Filters and exclusions against a brute-force oracle over the stored papers of the arxiv sample: a word with
/// a required or excluded category, archive, author or year matches exactly the papers that hold the word
/// and pass the filter.
@Suite("Filters against a brute-force oracle")
struct FilterOracleTests {
    /// A paper's title and abstract terms, and its authors' folded words.
    struct Words {
        var text: Set<String>
        var authors: [Set<String>]
        init(_ paper: Paper) {
            text = Set(Analyzer.english.terms(paper.title) + Analyzer.english.terms(paper.abstract))
            authors = paper.authors.map { Set(Analyzer(stemmer: .none, stopWords: .none).terms($0)) }
        }
    }

    /// Whether a paper holds a plain query word: among the title's and abstract's terms, or its authors' words.
    static func holds(_ words: Words, _ word: String) -> Bool {
        words.text.isSuperset(of: Analyzer.english.terms(word))
            || words.authors.contains { $0.isSuperset(of: Analyzer(stemmer: .none, stopWords: .none).terms(word)) }
    }

    static func holds(_ paper: Paper, _ word: String) -> Bool { holds(Words(paper), word) }

    @Test func wordsWithCategoryArchiveAuthorAndYearFilters() throws {
        let (index, papers) = try SearchFixtures.arxiv()
        let searcher = try Searcher(index: index)
        let sample = Array(papers.prefix(2_000))  // the oracle reads these; queries run on all 9,000
        let sampleWords = sample.map(Words.init)
        var random = SplitMix64(seed: 51)
        let words = ["diffusion", "LLMs", "segmentation", "benchmark", "robot", "quantum", "graph", "retrieval", "speech"]
        let categories = Array(Set(sample.flatMap(\.categories))).sorted()
        let surnames = Array(Set(sample.compactMap { $0.authors.first?.split(separator: " ").last.map(String.init) })).sorted()
        var checked = 0
        for round in 0..<60 {
            let word = words[Int(random.next() % UInt64(words.count))]
            let category = categories[Int(random.next() % UInt64(categories.count))]
            let archive = String(category.split(separator: ".").first ?? "")
            let surname = surnames[Int(random.next() % UInt64(surnames.count))]
            let year = 2025 + Int(random.next() % 2)
            let cases: [(String, (Paper) -> Bool)] = [
                ("\(word) +category:\(category)", { $0.categories.contains(category) }),
                ("\(word) +category:\(category.uppercased())", { $0.categories.contains(category) }),
                ("+\(word) -category:\(category)", { !$0.categories.contains(category) }),
                ("\(word) +category:\(archive)", { paper in paper.categories.contains { $0.hasPrefix(archive + ".") || $0 == archive } }),
                ("\(word) +author:\(surname)", { paper in paper.authors.contains { $0.split(separator: " ").contains { $0.lowercased() == surname.lowercased() } } }),
                ("\(word) +year:\(year)", { $0.year == year }),
                ("\(word) +year:\(year) +category:\(archive)", { paper in paper.year == year && paper.categories.contains { $0.hasPrefix(archive + ".") } }),
            ]
            let (query, filter) = cases[round % cases.count]
            let predicate = { (index: Int) in Self.holds(sampleWords[index], word) && filter(sample[index]) }
            // The oracle knows words, not the long forms of acronyms ("LLMs"): those have tests of their own.
            var options = SearchOptions(limit: papers.count, snippets: false, records: false)
            options.acronyms = false
            let results = try searcher.search(query, options: options)
            let found = Set(results.hits.map(\.document).filter { $0 < sample.count })
            let expected = Set(sample.indices.filter(predicate))
            #expect(found == expected, "\(query): \(found.subtracting(expected).sorted().prefix(5)) extra, \(expected.subtracting(found).sorted().prefix(5)) missing")
            let pruned = try searcher.search(query, options: SearchOptions(limit: 10, snippets: false, records: false))
            let exhaustive = try searcher.search(query, options: SearchOptions(limit: 10, snippets: false, exhaustive: true, records: false))
            #expect(pruned.hits.map(\.document) == exhaustive.hits.map(\.document), "\(query)")
            #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "\(query)")
            checked += expected.isEmpty ? 0 : 1
        }
        #expect(checked > 20, "\(checked) queries had matches")
    }

    /// `quantum +year:2025` is quantum papers of 2025, ranked by quantum — not every paper of 2025.
    @Test func aRequiredFilterKeepsTheWordsRequired() throws {
        let (index, papers) = try SearchFixtures.arxiv()
        let searcher = try Searcher(index: index)
        let results = try searcher.search("quantum +year:2025", options: SearchOptions(limit: 10_000, snippets: false))
        #expect(!results.hits.isEmpty)
        #expect(results.hits.allSatisfy { $0.paper.year == 2025 && Self.holds($0.paper, "quantum") })
        #expect(results.hits.allSatisfy { $0.score > 0 })
        #expect(results.hits.count < papers.filter { $0.year == 2025 }.count / 10)
    }

    /// Papers are found by their ids however written, and ids in a query put that paper first.
    @Test func idsAsPeopleWriteThem() throws {
        let (index, papers) = try SearchFixtures.arxiv()
        let paper = papers[1234]
        for form in [paper.id, paper.id + "v2", "arXiv:" + paper.id, "https://arxiv.org/abs/" + paper.id,
                     "http://arxiv.org/pdf/\(paper.id)v1.pdf", "arxiv.org/abs/\(paper.id)v3"] {
            #expect(try index.documentNumber(forID: form) == 1234, "\(form)")
            let hits = try Searcher(index: index).search(form, options: SearchOptions(limit: 3, snippets: false)).hits
            #expect(hits.first?.id == paper.id, "\(form)")
        }
        #expect(try index.documentNumber(forID: "arXiv:0000.00000") == nil)
        #expect(PaperID.lookupForms("hep-th/9901001v2") == ["hep-th/9901001v2", "hep-th/9901001"])
        #expect(PaperID.lookupForms("math.CO/0406123") == ["math.CO/0406123"])
        // A pasted title with a colon finds its paper first.
        let titled = papers.first { $0.title.contains(": ") && $0.title.count > 40 }
        let title = try #require(titled).title
        let hits = try Searcher(index: index).search(title, options: SearchOptions(limit: 1, snippets: false)).hits
        #expect(hits.first?.paper.title == title)
    }
}
