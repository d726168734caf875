import Foundation
import Testing
@testable import PaperSearch

/// Shared indexes for the search tests, built once. Each is built in a scratch directory, opened, and the
/// directory removed at once: the open index keeps its files mapped, so nothing is left on disk. A fixture
/// that cannot be built fails the tests that use it (the error is kept and rethrown), not the test process.
enum SearchFixtures {
    static func bundled() throws -> SearchIndex { try bundledIndex.get() }
    /// The 9,000 papers of the arxiv-daily sample: real titles and abstracts, enough documents for several of
    /// the windows `RankedOr` scores in.
    static func arxiv() throws -> (index: SearchIndex, papers: [Paper]) { try arxivIndex.get() }
    /// A synthetic corpus with long postings (lists of several blocks).
    static func synthetic() throws -> (index: SearchIndex, papers: [Paper]) { try syntheticIndex.get() }

    private static let bundledIndex = Result { () throws -> SearchIndex in
        try openedAndRemoved { directory in _ = try IndexBuilder.build(corpus: [TestPaths.corpus], into: directory) }
    }

    private static let arxivIndex = Result { () throws -> (index: SearchIndex, papers: [Paper]) in
        let papers = try arxivSamplePapers()
        return (try openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }, papers)
    }

    private static let syntheticIndex = Result { () throws -> (index: SearchIndex, papers: [Paper]) in
        let papers = IndexFixtures.randomPapers(count: 1500, seed: 11)
        return (try openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }, papers)
    }

    /// Builds an index with `build` in a fresh directory, opens it and removes the directory.
    static func openedAndRemoved(_ build: (String) throws -> Void) throws -> SearchIndex {
        let scratch = ScratchDirectory()
        try build(scratch.path)
        return try SearchIndex.open(at: scratch.path)
    }
}

@Suite("Search")
struct SearchTests {
    @Test func bm25MatchesAHandComputedScore() throws {
        // One document, one term: score = idf · tf' / (k1 + tf'), tf' = w_t tf_t / norm_t + tf_a / norm_a.
        let scratch = ScratchDirectory()
        let papers = [
            Paper(id: "a", title: "graphene sensors", abstract: "graphene graphene membranes for sensing"),
            Paper(id: "b", title: "membranes", abstract: "polymer membranes"),
            Paper(id: "c", title: "quantum dots", abstract: "dots of quantum matter and graphene"),
        ]
        _ = try IndexFixtures.build(papers, in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        let parameters = BM25Parameters(k1: 1.2, b: 0.75, titleWeight: 2)
        let hits = try Searcher(index: index, parameters: parameters).search("graphene").hits
        #expect(hits.map(\.id) == ["a", "c"])
        // Hand computation. Lengths (indexed terms): titles 2, 1, 2; abstracts 4 ("for" is a stop word), 2, 4.
        let N = 3.0, n = 2.0
        let idf = Foundation.log(1 + (N - n + 0.5) / (n + 0.5))
        let averageTitle = 5.0 / 3, averageAbstract = 10.0 / 3
        func norm(_ length: Double, _ average: Double) -> Double { 1 - 0.75 + 0.75 * length / average }
        let tfA = 2 * 1 / norm(2, averageTitle) + 2 / norm(4, averageAbstract)
        let tfC = 1 / norm(4, averageAbstract)
        // Scores are rounded to a multiple of the quantum.
        #expect(abs(hits[0].score - idf * tfA / (1.2 + tfA)) < BM25.scoreQuantum)
        #expect(abs(hits[1].score - idf * tfC / (1.2 + tfC)) < BM25.scoreQuantum)
        #expect(hits[0].score.remainder(dividingBy: BM25.scoreQuantum) == 0)
        #expect(abs(BM25.idf(documentFrequency: 2, documentCount: 3) - idf) < 1e-15)
        // Never negative, even for a term in every document.
        #expect(BM25.idf(documentFrequency: 3, documentCount: 3) > 0)
    }

    /// Quantized contributions add up to the same bits in any order (what lets term-at-a-time scoring match
    /// document-at-a-time scoring exactly), and each lies within half a quantum of the exact value.
    @Test func quantizedSumsDoNotDependOnOrder() {
        var random = SplitMix64(seed: 12)
        for _ in 0..<500 {
            let exact = (0..<(2 + Int(random.next() % 40))).map { _ in Double(random.next() % 1_000_000_007) / 1e8 }
            let parts = exact.map(BM25.quantized)
            for (part, value) in zip(parts, exact) {
                #expect(abs(part - value) <= BM25.scoreQuantum / 2 && part.remainder(dividingBy: BM25.scoreQuantum) == 0)
            }
            var shuffled = parts
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, Int(random.next() % UInt64(i + 1))) }
            #expect(parts.reduce(0, +) == shuffled.reduce(0, +))
            #expect(parts.reduce(0, +) == parts.reversed().reduce(0, +))
        }
        #expect(BM25.quantized(.nan) == 0 && BM25.quantized(-1) == 0 && BM25.quantized(.infinity) == 0x1p22)
    }

    @Test func parametersAreValidated() throws {
        #expect(throws: SearchError.invalidParameters("b must be between 0 and 1 (got 1.5)")) {
            _ = try Searcher(index: try SearchFixtures.bundled(), parameters: BM25Parameters(k1: 1.2, b: 1.5, titleWeight: 2))
        }
        #expect(throws: SearchError.invalidParameters("k1 must be a non-negative number (got -1.0)")) {
            _ = try Searcher(index: try SearchFixtures.bundled(), parameters: BM25Parameters(k1: -1, b: 0.5, titleWeight: 2))
        }
    }

    @Test func booleanSemantics() throws {
        let searcher = try Searcher(index: try SearchFixtures.bundled())
        func ids(_ query: String, limit: Int = 200) throws -> Set<String> { Set(try searcher.search(query, options: SearchOptions(limit: limit, snippets: false)).hits.map(\.id)) }
        let binary = try ids("binary"), network = try ids("network")
        #expect(try ids("binary network") == binary.union(network))
        #expect(try ids("+binary +network") == binary.intersection(network))
        #expect(try ids("binary AND network") == binary.intersection(network))
        #expect(try ids("binary -network") == binary.subtracting(network))
        #expect(try ids("binary AND NOT network") == binary.subtracting(network))
        let quantization = try ids("quantization")
        #expect(try ids("(binary OR quantization) AND network") == binary.union(quantization).intersection(network))
        // Only exclusions, or a required word missing from the index: nothing.
        #expect(try ids("-binary").isEmpty)
        #expect(try ids("+binary +zzzunknownzzz").isEmpty)
        // A missing optional word changes nothing.
        #expect(try ids("binary zzzunknownzzz") == binary)
    }

    /// Plain words search authors too: a name typed as words ranks that author's papers first.
    @Test func aNameTypedAsWordsFindsTheAuthorsPapersFirst() throws {
        let hits = try Searcher(index: try SearchFixtures.bundled()).search("Zechun Liu", options: SearchOptions(limit: 20, snippets: false)).hits
        #expect(hits.count == 20)
        #expect(hits.allSatisfy { $0.paper.authors.contains("Zechun Liu") })
        // Stop words and single letters of a query never match names' particles and initials.
        let papers = [Paper(id: "x", title: "Graphs", authors: ["A. B. van der Berg", "Jean De La Fontaine"], abstract: "On graphs."),
                      Paper(id: "y", title: "Trees", authors: ["C. Smith"], abstract: "On trees.")]
        let small = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        #expect(try Searcher(index: small).search("a b trees").hits.map(\.id) == ["y"])
        #expect(try Searcher(index: small).search("van der berg").hits.map(\.id) == ["x"])
        #expect(try Searcher(index: small).search("fontaine").hits.map(\.id) == ["x"])
    }

    @Test func fieldsYearsAndPrefixes() throws {
        let searcher = try Searcher(index: try SearchFixtures.bundled())
        func papers(_ query: String) throws -> [Paper] {
            try searcher.search(query, options: SearchOptions(limit: 200, snippets: false)).hits.map(\.paper)
        }
        let titled = try papers("title:quantization")
        #expect(!titled.isEmpty && titled.allSatisfy { $0.title.lowercased().contains("quantiz") })
        let byAuthor = try papers("author:\"Zechun Liu\"")
        #expect(byAuthor.count > 20 && byAuthor.allSatisfy { $0.authors.contains("Zechun Liu") })
        // A name in any order, with initials, is the same author; authors are not mixed across names.
        for spelling in ["Liu Zechun", "zechun liu", "Zechun  LIU"] {
            #expect(Set(try papers("author:\"\(spelling)\"").map(\.id)) == Set(byAuthor.map(\.id)), "\(spelling)")
        }
        // An initial stands for any name with that letter: Zechun Liu's papers, and those of Ziquan Liu.
        for spelling in ["Z. Liu", "Liu, Z.", "liu z"] {
            let found = try papers("author:\"\(spelling)\"")
            #expect(Set(found.map(\.id)).isSuperset(of: byAuthor.map(\.id)), "\(spelling)")
            #expect(found.allSatisfy { $0.authors.contains { $0.hasPrefix("Z") && $0.hasSuffix(" Liu") } }, "\(spelling)")
            #expect(found.contains { $0.authors.contains("Ziquan Liu") })
        }
        // Papers list both Zechun Liu and Barlas Oguz, but no one author is "Zechun Oguz".
        #expect(byAuthor.contains { $0.authors.contains("Barlas Oguz") })
        #expect(try papers("author:\"Zechun Oguz\"").isEmpty)
        let categorized = try papers("category:cs.LG")
        #expect(!categorized.isEmpty && categorized.allSatisfy { $0.categories.contains("cs.LG") })
        #expect(try papers("year:2019..2020").allSatisfy { (2019...2020).contains($0.year ?? 0) })
        #expect(try papers("year:2019..2020").count == SearchFixtures.bundledPapers.filter { (2019...2020).contains($0.year ?? 0) }.count)
        let prefixed = try papers("quantiz*")
        let exact = try papers("quantization")
        #expect(prefixed.count >= exact.count)
        #expect(try papers("quantization*").count == prefixed.count)  // the stem is used as the prefix
    }

    @Test func phrasesUsePositionsAndKeepStopWordGaps() throws {
        let searcher = try Searcher(index: try SearchFixtures.bundled())
        func titles(_ query: String) throws -> [String] {
            try searcher.search(query, options: SearchOptions(limit: 200, snippets: false)).hits.map(\.paper.title)
        }
        #expect(try titles("\"binary neural networks\"").allSatisfy { _ in true })
        let phrase = try titles("title:\"neural network\"")
        #expect(!phrase.isEmpty && phrase.allSatisfy { $0.lowercased().contains("neural network") })
        // "state-of-the-art" in the query matches the compound in abstracts.
        #expect(!(try titles("\"state-of-the-art\"")).isEmpty)
        // A phrase with a stop word in the middle matches any word in that gap, but not a longer gap.
        let gap = try titles("title:\"Learning Models\"")
        #expect(gap.allSatisfy { $0.range(of: "learning models", options: .caseInsensitive) != nil })
    }

    @Test func stopWordOnlyQueriesGetANotice() throws {
        let results = try Searcher(index: try SearchFixtures.bundled()).search("the of and")
        #expect(results.hits.isEmpty)
        #expect(results.notice == "the query has no searchable words (only stop words or punctuation)")
    }

    @Test func pagingIsConsistent() throws {
        let searcher = try Searcher(index: try SearchFixtures.bundled())
        let all = try searcher.search("learning models training", options: SearchOptions(limit: 30, snippets: false)).hits.map(\.id)
        var paged: [String] = []
        for offset in stride(from: 0, to: 30, by: 7) {
            paged += try searcher.search("learning models training", options: SearchOptions(limit: min(7, 30 - offset), offset: offset, snippets: false)).hits.map(\.id)
        }
        #expect(paged == all)
    }

    @Test func snippetsHighlightTheMatchedWords() throws {
        let hits = try Searcher(index: try SearchFixtures.bundled()).search("binarization transformer").hits
        let snippet = try #require(hits.first?.snippet)
        let scalars = Array(snippet.text.unicodeScalars)
        #expect(!snippet.highlights.isEmpty)
        for range in snippet.highlights {
            let word = String(String.UnicodeScalarView(scalars[range])).lowercased()
            #expect(word.hasPrefix("binar") || word.hasPrefix("transform"), "\(word)")
        }
        #expect(snippet.rendered(open: "[", close: "]").contains("["))
    }

    /// A window may start at the second part of a compound whose joined form starts earlier.
    @Test func snippetsAroundCompoundsStayInRange() throws {
        let scratch = ScratchDirectory()
        let filler = (0..<60).map { "filler\($0)" }.joined(separator: " ")
        let abstract = filler + " Long-context models; long-context retrieval with context windows. " + filler
        _ = try IndexFixtures.build([Paper(id: "c", title: "Compounds", abstract: abstract)], in: scratch.path)
        let index = try SearchIndex.open(at: scratch.path)
        for query in ["context", "longcontext", "long context", "windows context"] {
            let snippet = try #require(try Searcher(index: index).search(query).hits.first?.snippet, "\(query)")
            let count = snippet.text.unicodeScalars.count
            #expect(snippet.highlights.allSatisfy { $0.lowerBound >= 0 && $0.upperBound <= count && !$0.isEmpty }, "\(query)")
        }
    }

    @Test func explanationsAddUpToTheScore() throws {
        let hits = try Searcher(index: try SearchFixtures.bundled()).search("quantization aware training", options: SearchOptions(limit: 5, explain: true)).hits
        for hit in hits {
            let explanation = try #require(hit.explanation)
            #expect(abs(explanation.total - hit.score) < 1e-9)
        }
    }
}

extension SearchFixtures {
    static let bundledPapers: [Paper] = (try? CorpusReader(paths: [TestPaths.corpus]).readAll().papers) ?? []
}

/// The pruned algorithms against the exhaustive one: the same ids and scores, on many random queries.
@Suite("Pruning is exact")
struct PruningTests {
    static func randomQueries(vocabulary: [String], count: Int, seed: UInt64, operators: Bool) -> [String] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            let length = 1 + Int(random.next() % 6)
            return (0..<length).map { _ -> String in
                let word = vocabulary[Int(random.next() % UInt64(vocabulary.count))]
                guard operators else { return word }
                switch random.next() % 12 {
                case 0: return "+" + word
                case 1: return "-" + word
                case 2: return "title:" + word
                // A required group of scoring words, and a fuzzy word.
                case 3: return "+(\(word) OR \(vocabulary[Int(random.next() % UInt64(vocabulary.count))]))"
                case 4: return word + "~"
                default: return word
                }
            }.joined(separator: " ")
        }
    }

    /// `plain`: the texts are plain words, not the query language (as batch search reads them).
    /// `countLimit`: how many matches a conjunction counts before it prunes.
    func compare(_ index: SearchIndex, _ queries: [String], parameters: BM25Parameters? = nil, plain: Bool = false,
                 countLimit: Int = SearchOptions.defaultCountLimit) throws {
        let searcher = try Searcher(index: index, parameters: parameters)
        for text in queries {
            let query = plain ? Query.words(text, field: .text) : try QueryParser.parse(text)
            for limit in [1, 10, 50] {
                var options = SearchOptions(limit: limit, snippets: false, records: false)
                options.countLimit = countLimit
                let pruned = try searcher.search(query, options: options)
                let exhaustive = try searcher.search(query, options: SearchOptions(limit: limit, snippets: false, exhaustive: true, records: false))
                #expect(pruned.hits.map(\.document) == exhaustive.hits.map(\.document), "\(text) k=\(limit)")
                #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "\(text) k=\(limit)")
                if pruned.totalIsExact { #expect(pruned.totalHits == exhaustive.totalHits, "\(text)") }
            }
        }
    }

    static func vocabulary(of index: SearchIndex, limit: Int) throws -> [String] {
        var words: [String] = []
        try index.terms.forEachTerm { (bytes: [UInt8], info: TermInfo) throws(IndexError) in
            if bytes.first == FieldNamespace.text.rawValue, info.documentFrequency >= 2 { words.append(String(decoding: bytes.dropFirst(), as: UTF8.self)) }
        }
        var random = SplitMix64(seed: 5)
        return (0..<limit).map { _ in words[Int(random.next() % UInt64(words.count))] }
    }

    @Test func onTheBundledCorpus() throws {
        let vocabulary = try Self.vocabulary(of: try SearchFixtures.bundled(), limit: 300)
        try compare(try SearchFixtures.bundled(), Self.randomQueries(vocabulary: vocabulary, count: 600, seed: 1, operators: false))
        try compare(try SearchFixtures.bundled(), Self.randomQueries(vocabulary: vocabulary, count: 400, seed: 2, operators: true))
    }

    @Test func onASyntheticCorpusWithLongLists() throws {
        let index = try SearchFixtures.synthetic().index
        let vocabulary = try Self.vocabulary(of: index, limit: 200)
        try compare(index, Self.randomQueries(vocabulary: vocabulary, count: 500, seed: 3, operators: false))
        try compare(index, Self.randomQueries(vocabulary: vocabulary, count: 300, seed: 4, operators: true))
    }

    /// Real abstracts over several scoring windows: whole titles as queries (ten words and more, where the
    /// windowed partition into essential and non-essential terms matters most) and random words.
    @Test func titlesAndWordsOnRealAbstracts() throws {
        let (index, papers) = try SearchFixtures.arxiv()
        #expect(index.documentCount > 2 * 4096, "the fixture should span several windows")
        var random = SplitMix64(seed: 8)
        let titles = (0..<100).map { _ in papers[Int(random.next() % UInt64(papers.count))].title }
        try compare(index, titles, plain: true)
        let vocabulary = try Self.vocabulary(of: index, limit: 300)
        try compare(index, Self.randomQueries(vocabulary: vocabulary, count: 150, seed: 9, operators: false))
        try compare(index, Self.randomQueries(vocabulary: vocabulary, count: 60, seed: 10, operators: true))
    }

    /// Words with a year filter (`word +year:>=2005`) take a pruned path of their own, which hands over to the
    /// general one when fewer papers than asked score above zero: both against exhaustive scoring, with wide
    /// and narrow ranges, one word and several, exclusions, and papers without a year.
    @Test func yearFilteredWords() throws {
        for (index, seed) in [(try SearchFixtures.synthetic().index, UInt64(6)), (try SearchFixtures.bundled(), UInt64(7))] {
            let vocabulary = try Self.vocabulary(of: index, limit: 100)
            let words = Self.randomQueries(vocabulary: vocabulary, count: 120, seed: seed, operators: false)
                + Self.randomQueries(vocabulary: vocabulary, count: 40, seed: seed + 10, operators: true).filter { !$0.contains("+") }
            let filters = ["+year:>=2005", "+year:1995..2000", "+year:2010", "+year:<=2019", "+year:2022..2024", "+year:1950",
                           "AND year:2000..2010", "+year:>=2000 +year:<=2015"]
            try compare(index, words.enumerated().map { "\($1) \(filters[$0 % filters.count])" })
        }
    }

    /// Conjunctions skip windows whose block maxima cannot beat the threshold once they have counted
    /// `countLimit` matches: with no count first (pruning from the first full top k) and with the usual
    /// one, on common words (lists of several blocks), with optional words, exclusions and filters, and with
    /// words that are also authors' names (a clause of two terms, either of which matches).
    @Test func conjunctionsWithBlockMaxPruning() throws {
        let index = try SearchFixtures.synthetic().index
        var lists: [(word: String, documents: Int)] = []
        var authorWords = Set<String>()
        try index.terms.forEachTerm { (bytes: [UInt8], info: TermInfo) throws(IndexError) in
            let word = String(decoding: bytes.dropFirst(), as: UTF8.self)
            if bytes.first == FieldNamespace.text.rawValue { lists.append((word, info.documentFrequency)) }
            if bytes.first == FieldNamespace.author.rawValue { authorWords.insert(word) }
        }
        let common = lists.sorted { $0.documents > $1.documents }.prefix(60).map(\.word)
        #expect(lists.sorted { $0.documents > $1.documents }[59].documents > 2 * postingsBlockSize)
        var random = SplitMix64(seed: 11)
        func word() -> String { common[Int(random.next() % UInt64(common.count))] }
        var queries: [String] = []
        for n in 0..<120 {
            switch n % 4 {
            case 0: queries.append("+\(word()) +\(word())")
            case 1: queries.append("+\(word()) +\(word()) +\(word())")
            case 2: queries.append("+\(word()) +\(word()) \(word()) -\(word())")
            default: queries.append("+\(word()) +\(word()) +year:>=2000")
            }
        }
        try compare(index, queries, countLimit: 0)
        try compare(index, queries)
        // Words that are also names: the bundled corpus's authors.
        let bundled = try SearchFixtures.bundled()
        var names = Set<String>(), words = Set<String>()
        try bundled.terms.forEachTerm { (bytes: [UInt8], info: TermInfo) throws(IndexError) in
            let word = String(decoding: bytes.dropFirst(), as: UTF8.self)
            if bytes.first == FieldNamespace.text.rawValue, info.documentFrequency >= 3 { words.insert(word) }
            if bytes.first == FieldNamespace.author.rawValue { names.insert(word) }
        }
        let both = words.intersection(names).sorted()
        #expect(both.count >= 2, "the bundled corpus should have names that are words")
        let vocabulary = try Self.vocabulary(of: bundled, limit: 100)
        let named = (0..<60).map { n in
            "+\(both[n % both.count]) +\(vocabulary[Int(random.next() % UInt64(vocabulary.count))])"
        }
        try compare(bundled, named, countLimit: 0)
        let plan = try PlanBuilder.build(try QueryParser.parse("+\(both[0]) +\(vocabulary[0])"), index: bundled,
                                         parameters: bundled.parameters, correcting: false, expandingAcronyms: false)
        guard case let .conjunction(required, _, _, _, _) = plan.shape else {
            Issue.record("a word that is also a name should stay a conjunction")
            return
        }
        #expect(required.contains { $0.count == 2 })
    }

    /// Words that are also the names of a few authors: where the words alone cannot enter the top k, the
    /// conjunction takes its candidates from the names' short lists (`RankedAnd`'s minor terms). Against the
    /// exhaustive path, on papers where most hold both words and a few are by authors so named, pruning from
    /// the first full top k and after the usual count, with a filter, an exclusion and an optional word.
    @Test func wordsThatAreRareNamesLeadByTheNames() throws {
        var random = SplitMix64(seed: 21)
        let filler = (0..<60).map { "filler\(String($0, radix: 26).map { $0.isNumber ? Character(UnicodeScalar(UInt8(ascii: "a") + UInt8(String($0))!)) : $0 })" }
        var papers: [Paper] = []
        for n in 0..<3000 {
            var words = (0..<(20 + Int(random.next() % 60))).map { _ in filler[Int(random.next() % UInt64(filler.count))] }
            if random.next() % 10 < 8 { words += Array(repeating: "deep", count: 1 + Int(random.next() % 3)) }
            if random.next() % 10 < 6 { words += Array(repeating: "image", count: 1 + Int(random.next() % 3)) }
            var authors = ["Ada Lovelace"]
            if n % 97 == 3 { authors.append("Deep Ganguli") }
            if n % 89 == 5 { authors.append("Jane Image") }
            papers.append(Paper(id: "n\(n)", title: filler[n % filler.count], authors: authors, year: 1990 + n % 30,
                                venue: "cs.CV", abstract: words.shuffled(using: &random).joined(separator: " "),
                                sources: [SourceLocation(file: "named", line: n + 1)]))
        }
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let queries = ["+deep +image", "+image +deep", "+deep +image +year:>=2005", "+deep +image -fillera",
                       "+deep +image fillerb", "+deep +fillerc", "+image +deep +fillerd"]
        try compare(index, queries, countLimit: 0)
        try compare(index, queries)
    }

    /// An index of 20,000 papers of 20 to 59 words drawn from 40 filler words, plus the words `extra` draws
    /// for each (with the same generator, after the filler words), in random order; a paper's title is
    /// `title`'s (drawn next) or a filler word.
    static func fillerIndex(seed: UInt64, id: String, extra: (inout SplitMix64) -> [String],
                            title: (inout SplitMix64) -> String? = { _ in nil }) throws -> SearchIndex {
        var random = SplitMix64(seed: seed)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        let filler: [String] = (0..<40).map { (n: Int) -> String in "filler\(letters[n % 26])\(n / 26)" }
        var papers: [Paper] = []
        for n in 0..<20_000 {
            var words = (0..<(20 + Int(random.next() % 40))).map { _ in filler[Int(random.next() % UInt64(filler.count))] }
            words += extra(&random)
            let drawnTitle = title(&random) ?? filler[n % filler.count]
            papers.append(Paper(id: "\(id)\(n)", title: drawnTitle, authors: ["Ada Lovelace"], year: 2000 + n % 20, venue: "cs.IR",
                                abstract: words.shuffled(using: &random).joined(separator: " "),
                                sources: [SourceLocation(file: id, line: n + 1)]))
        }
        return try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
    }

    /// A conjunction's windows follow the rarest word's blocks, each of which spans several blocks of a
    /// denser word: the denser word is bounded by its largest block maximum over the whole window. Against
    /// the exhaustive path, with the papers that can enter (a dense word many times over) spread through its
    /// blocks, most of them not the first of a window.
    @Test func windowsFollowTheRarestWordsBlocks() throws {
        let index = try Self.fillerIndex(seed: 41, id: "g", extra: { random in
            var words: [String] = []
            if random.next() % 10 == 0 { words += ["gamma"] }
            if random.next() % 2 == 0 { words += ["delta"] }
            if random.next() % 3 == 0 { words += ["epsilon"] }
            if random.next() % 300 == 0 { words += ["gamma"] + Array(repeating: "delta", count: 2 + Int(random.next() % 10)) }
            return words
        })
        let queries = ["+gamma +delta", "+delta +gamma +epsilon", "+gamma +delta epsilon", "+gamma +delta -fillera0"]
        try compare(index, queries, countLimit: 0)
        try compare(index, queries)
    }

    /// A long outer window of a ranked OR (a rare word essential, its blocks far apart) bounds the common
    /// words by whole groups of their blocks at once: against the exhaustive path, with papers that hold a
    /// common word often (and can enter without the rare one) spread through lists of 70 blocks and more.
    @Test func longWindowsBoundCommonWordsByGroupsOfBlocks() throws {
        let index = try Self.fillerIndex(seed: 31, id: "w", extra: { random in
            var words: [String] = []
            if random.next() % 2 == 0 { words += ["alpha"] }
            if random.next() % 3 == 0 { words += ["beta"] }
            // A few papers hold a common word many times: they can enter the top k without the rare word.
            if random.next() % 400 == 0 { words += Array(repeating: "alpha", count: 2 + Int(random.next() % 8)) }
            if random.next() % 1_000 == 0 { words += ["zeta"] }
            return words
        }, title: { random in random.next() % 500 == 0 ? "alpha beta" : nil })
        try compare(index, ["alpha zeta", "zeta alpha beta", "beta zeta", "alpha beta zeta fillera0"], plain: true)
    }

    /// A ranked OR with one essential word passes over that word's documents from their frequencies, with a
    /// cutoff made for each block from its shortest fields: against the exhaustive path, on abstracts whose
    /// lengths change from run to run of papers, with words held once or many times. (That each block's
    /// documents meet its own cutoff is `blockWalksAskAboutEveryBlockTheyRead`.)
    @Test func oneEssentialWordPassedOverFromItsFrequencies() throws {
        var paper = 0
        let index = try Self.fillerIndex(seed: 53, id: "c", extra: { random in
            defer { paper += 1 }
            var words: [String] = []
            // Runs of 300 papers, long abstracts and short ones in turn, out of step with the blocks.
            if (paper / 300) % 2 == 1 { words += Array(repeating: "fillerz9", count: 150 + Int(random.next() % 100)) }
            if random.next() % 4 == 0 { words += ["beta"] }
            if random.next() % 2 == 0 { words += ["alpha"] }
            if random.next() % 30 == 0 { words += Array(repeating: "beta", count: 1 + Int(random.next() % 4)) }
            if random.next() % 50 == 0 { words += ["gamma"] }
            return words
        })
        try compare(index, ["beta alpha", "beta fillera0", "gamma beta", "beta alpha gamma", "alpha gamma"], plain: true)
    }

    /// Acronyms searched with their long forms score each group's best form, which a ranked OR bounds by the
    /// sum of every form: its candidates, rescored, against the exhaustive path — an acronym alone, with other
    /// words, a long form typed out (finding its acronym), on the bundled corpus's trusted pairs.
    @Test func acronymExpansionsRankedAsTheExhaustivePathRanksThem() throws {
        let index = try SearchFixtures.bundled()
        let pairs = try index.learnedAcronyms().filter(\.trusted)
        #expect(pairs.count >= 5, "the bundled corpus should define acronyms")
        let vocabulary = try Self.vocabulary(of: index, limit: 60)
        var queries: [String] = []
        for (n, pair) in pairs.enumerated() {
            queries.append(pair.shortForm)
            queries.append("\(pair.shortForm) \(vocabulary[n % vocabulary.count])")
            queries.append("\(vocabulary[(n + 7) % vocabulary.count]) \(pair.longForm)")
        }
        try compare(index, queries)
        let plan = try PlanBuilder.build(try QueryParser.parse(queries[1]), index: index, parameters: index.parameters,
                                         correcting: false, expandingAcronyms: true)
        guard case .disjunctionOfForms = plan.shape else {
            Issue.record("an acronym with another word should take the ranked path of forms")
            return
        }
    }

    /// Phrases are conjunctions of their words whose positions are read last, and only for a paper to count
    /// or one that would enter the top k: against the exhaustive path (which checks every phrase match),
    /// pruning from the first full top k and after the usual count, on real abstracts (two to four words of
    /// an abstract, a phrase with a required word, a phrase in the title, a phrase with an exclusion, a
    /// phrase among optional words).
    @Test func phrasesCheckedLast() throws {
        let (index, papers) = try SearchFixtures.arxiv()
        var random = SplitMix64(seed: 12)
        var queries: [String] = []
        for n in 0..<160 {
            let words = papers[Int(random.next() % UInt64(papers.count))].abstract.split(separator: " ")
                .map { $0.filter { $0.isLetter || $0 == "-" } }.filter { !$0.isEmpty }
            guard words.count > 6 else { continue }
            let length = 2 + n % 3, start = Int(random.next() % UInt64(words.count - length))
            let phrase = "\"" + words[start..<(start + length)].joined(separator: " ") + "\""
            let other = words[Int(random.next() % UInt64(words.count))]
            switch n % 5 {
            case 0: queries.append("\(phrase) +\(other)")
            case 1: queries.append("title:\(phrase)")
            case 2: queries.append("+\(phrase) -\(other)")
            // Words and a phrase, any of them: ranked by the words, the phrase checked late.
            case 3: queries.append("\(other) \(phrase) \(words[0])")
            default: queries.append(phrase)
            }
        }
        // Common pairs: phrases with many matches, where pruning matters most.
        queries += ["\"neural network\"", "\"language models\"", "\"deep learning\"", "\"in this paper we\"", "\"we propose\""]
        try compare(index, queries, countLimit: 0)
        try compare(index, queries)
        let plan = try PlanBuilder.build(try QueryParser.parse("\"neural network\""), index: index, parameters: index.parameters,
                                         correcting: false, expandingAcronyms: false)
        guard case let .conjunction(_, _, _, _, phrases) = plan.shape, phrases.count == 1 else {
            Issue.record("a phrase should take the conjunction's path")
            return
        }
    }

    /// A quoted compound stands where its joined form or its parts do: a union of spellings, which the
    /// conjunction checks as one phrase (its clauses the groups every spelling needs). Against the exhaustive
    /// path (the union matched spelling by spelling), on real abstracts: compounds with the words around them,
    /// alone, in the title, required beside another word, excluding one, and in a user's union with a word.
    @Test func compoundPhrasesStandInAnySpelling() throws {
        let (index, papers) = try SearchFixtures.arxiv()
        var random = SplitMix64(seed: 21)
        var queries: [String] = []
        var n = 0
        while queries.count < 120 {
            let words = papers[Int(random.next() % UInt64(papers.count))].abstract.split(separator: " ")
                .map { $0.filter { $0.isLetter || $0 == "-" } }.filter { !$0.isEmpty }
            guard let c = words.indices.dropFirst().dropLast().first(where: { words[$0].dropFirst().dropLast().contains("-") }) else { continue }
            let other = words[Int(random.next() % UInt64(words.count))]
            n += 1
            switch n % 7 {
            case 0: queries.append("\"\(words[c - 1]) \(words[c])\"")
            case 1: queries.append("\"\(words[c]) \(words[c + 1])\"")
            case 2: queries.append("\"\(words[c])\"")
            case 3: queries.append("title:\"\(words[c]) \(words[c + 1])\"")
            case 4: queries.append("+\"\(words[c - 1]) \(words[c])\" +\(other)")
            case 5: queries.append("+\"\(words[c]) \(words[c + 1])\" -\(other)")
            default: queries.append("\"\(words[c - 1]) \(words[c + 1])\" OR \(other)")
            }
        }
        queries += ["\"state-of-the-art\"", "\"state-of-the-art performance\"", "\"large-scale pre-training\"", "title:\"real-world data\"",
                    "\"real-world\" OR benchmark", "\"real-world\" OR \"benchmark\"", "\"real-world\" OR abstract:benchmark"]
        try compare(index, queries, countLimit: 0)
        try compare(index, queries)
        for text in ["\"state-of-the-art\"", "\"state-of-the-art performance\"", "+\"large-scale pre-training\" +data", "title:\"real-world data\""] {
            let plan = try PlanBuilder.build(try QueryParser.parse(text), index: index, parameters: index.parameters,
                                             correcting: false, expandingAcronyms: false)
            guard case let .conjunction(_, _, _, _, phrases) = plan.shape, phrases.count == 1, phrases[0].spellings.count > 1 else {
                Issue.record("\(text) should be a conjunction checking one phrase of several spellings")
                continue
            }
        }
    }

    /// One word takes its own path (blocks visited in order of their maxima, out of document order): the
    /// commonest words, with the longest lists and many tied scores, against exhaustive scoring.
    @Test func singleWordsWithTheLongestLists() throws {
        let index = try SearchFixtures.synthetic().index
        var lists: [(word: String, documents: Int)] = []
        try index.terms.forEachTerm { (bytes: [UInt8], info: TermInfo) throws(IndexError) in
            if bytes.first == FieldNamespace.text.rawValue { lists.append((String(decoding: bytes.dropFirst(), as: UTF8.self), info.documentFrequency)) }
        }
        let commonest = lists.sorted { $0.documents > $1.documents }.prefix(40)
        #expect((commonest.last?.documents ?? 0) > 2 * postingsBlockSize, "the fixture should have lists of three blocks or more")
        try compare(index, commonest.map(\.word) + commonest.prefix(10).map { "title:" + $0.word })
    }

    /// One word with a filter or a field counts the papers it scored: every matching paper of each block it
    /// reads, those its frequency cutoff passes over unscored too. Three blocks of "marker", each with eight
    /// papers that have the word twice in the title as well (more than the searcher keeps,
    /// `Suggestion.fewHits`), so every block can hold the best and is read; the others have it once in the
    /// abstract and, once the first block read has set the threshold, are ruled out unscored (and with
    /// `title:`, are not matches).
    @Test func oneWordCountsEveryPaperOfTheBlocksItReads() throws {
        let blocks = 3
        var papers: [Paper] = []
        for n in 0..<(blocks * postingsBlockSize + 50) {
            let matching = n < blocks * postingsBlockSize
            let leads = matching && n % 16 == 0
            papers.append(Paper(id: "m\(n)", title: leads ? "marker marker study" : "other study", year: 2020,
                                abstract: (matching ? "marker " : "plain ") + "alpha beta gamma delta epsilon zeta"))
        }
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        var options = SearchOptions(limit: 1)
        options.corrections = false
        options.acronyms = false
        let filtered = try searcher.search("marker +year:2020", options: options)
        #expect(filtered.hits.map(\.id) == ["m0"])
        #expect(filtered.totalHits == blocks * postingsBlockSize)
        // In the title only, the papers without it there are not matches, scored or passed over.
        let titled = try searcher.search("title:marker", options: options)
        #expect(titled.hits.map(\.id) == ["m0"])
        #expect(titled.totalHits == blocks * postingsBlockSize / 16)
    }

    @Test func withOtherParametersThanTheIndexWasBuiltFor() throws {
        let index = try SearchFixtures.synthetic().index
        let vocabulary = try Self.vocabulary(of: index, limit: 100)
        try compare(index, Self.randomQueries(vocabulary: vocabulary, count: 200, seed: 5, operators: false),
                    parameters: BM25Parameters(k1: 0.5, b: 0.3, titleWeight: 4))
    }
}
