import Testing
@testable import PaperSearch

@Suite("Fuzzy words")
struct FuzzySearchTests {
    @Test func aFuzzyWordMatchesThePapersOfEveryTermWithinItsEditsAndRanksTheWordAsWrittenFirst() throws {
        let papers = [
            Paper(id: "typo", title: "A tranformer for graphs", abstract: "We train a tranformer."),
            Paper(id: "right", title: "A transformer for graphs", abstract: "We train a transformer."),
            Paper(id: "twice", title: "Transformers", abstract: "Transformer layers and a transformer."),
            Paper(id: "far", title: "Trenfurmer learning", abstract: "Trenfurmers between tasks."),
            Paper(id: "none", title: "Graphs", abstract: "Nothing of the kind."),
        ]
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        let exhaustive = SearchOptions(limit: 100, snippets: false, exhaustive: true)
        // "tranformer" stems to "tranform": one edit from "transform", two from "trenfurm".
        let near = try searcher.search("tranformer~", options: exhaustive).hits
        #expect(Set(near.map(\.id)) == ["typo", "right", "twice"])
        #expect(near.first?.id == "typo", "the word as written ranks first")
        #expect(Set(try searcher.search("tranformer~2", options: exhaustive).hits.map(\.id)) == ["typo", "right", "twice", "far"])
        #expect(try searcher.search("tranformer~0", options: exhaustive).hits.map(\.id) == ["typo"])
        // A corrected term weighs half the word's weight, and the terms of a fuzzy word share the idf of the
        // most frequent ("transform"): the score is half the exact query's (up to the order of floating-point
        // operations, which differs between the plans).
        let right = try #require(near.first { $0.id == "right" })
        let exact = try #require(try searcher.search("transformer", options: exhaustive).hits.first { $0.id == "right" })
        #expect(abs(right.score - exact.score / 2) < 1e-6 * exact.score)
        // Pruned top k equals exhaustive.
        #expect(try searcher.search("tranformer~", options: SearchOptions(limit: 2, snippets: false)).hits.map(\.id)
                == Array(near.prefix(2).map(\.id)))
        // Explain names the correction.
        var explained = SearchOptions(limit: 10, snippets: false)
        explained.explain = true
        let explanation = try #require(try searcher.search("tranformer~", options: explained).hits.first { $0.id == "right" }?.explanation)
        #expect("\(explanation)".contains("transform (1 edit from tranform, idf ×0.5)"))
    }

    @Test func aWordNoPaperHoldsIsSearchedAsItsNearSpellingsUnlessExact() throws {
        let papers = [Paper(id: "q", title: "Quantization of networks", abstract: "We quantize weights."),
                      Paper(id: "n", title: "Graph networks", authors: ["Ada Zumwaltova"], abstract: "Message passing."),
                      Paper(id: "o", title: "Other things", abstract: "Nothing.")]
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        // A slip in the suffix the stemmer removes: found through the stems of its one-edit spellings.
        let corrected = try searcher.search("quantizaton", options: SearchOptions(limit: 10, snippets: false))
        #expect(corrected.hits.map(\.id) == ["q"])
        #expect(corrected.notices.count == 1 && corrected.notices[0].hasPrefix("'quantizaton' is in no paper; searched words near it: quantiz"))
        var exact = SearchOptions(limit: 10, snippets: false)
        exact.corrections = false
        #expect(try searcher.search("quantizaton", options: exact).hits.isEmpty)
        // Plain words as batch search reads them (one clause of several words): each word no paper holds.
        let plain = try searcher.search(QueryParser.plainWords("quantizaton graph zumwaltova"), options: SearchOptions(limit: 10, snippets: false))
        #expect(Set(plain.hits.map(\.id)) == ["q", "n"])
        #expect(plain.notices.count == 1)
        #expect(try searcher.search(QueryParser.plainWords("quantizaton graph"), options: exact).hits.map(\.id) == ["n"])
        // A word some paper holds (here as an author's name) is not corrected; nor is an excluded word, a
        // short one, or one asked for as written (~0).
        #expect(try searcher.search("zumwaltova", options: SearchOptions(limit: 10, snippets: false)).notices.isEmpty)
        #expect(try searcher.search("graph -quantizaton", options: SearchOptions(limit: 10, snippets: false)).hits.map(\.id) == ["n"])
        #expect(try searcher.search("netwrk", options: SearchOptions(limit: 10, snippets: false)).notices.count == 1)
        // Four letters are enough ("grah" for "graph"), three are not ("pas" for "pass").
        #expect(try searcher.search("grah", options: SearchOptions(limit: 10, snippets: false)).hits.map(\.id) == ["n"])
        #expect(try searcher.search("pas", options: SearchOptions(limit: 10, snippets: false)).hits.isEmpty)
        #expect(try searcher.search("quantizaton~0", options: SearchOptions(limit: 10, snippets: false)).hits.isEmpty)
    }

    @Test func aCorrectionComparesTheWordAsTypedWithStemsAndTheirEndings() throws {
        let papers = [Paper(id: "generation", title: "Text generation", abstract: "We generate text."),
                      Paper(id: "optimization", title: "Optimization of networks", abstract: "Gradient methods."),
                      Paper(id: "optimizable", title: "Optimizable programs", abstract: "Programs and compilers."),
                      Paper(id: "skewness", title: "Skewness of returns", abstract: "Heavy tails."),
                      Paper(id: "segmentation", title: "Segmentation of cells", abstract: "Microscopy."),
                      Paper(id: "other", title: "Other things", abstract: "Nothing of the kind.")]
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        let options = SearchOptions(limit: 10, snippets: false)
        // Two slips, one in the stem and one in the ending the stemmer removes: "gendrtaion" stems to itself,
        // three edits from "generat", but as typed it is two from "generation" (ten letters allow two).
        let generation = try searcher.search("gendrtaion", options: options)
        #expect(generation.hits.map(\.id) == ["generation"])
        #expect(generation.notices.first?.hasPrefix("'gendrtaion' is in no paper; searched words near it: generat") == true)
        // An ending is read only where the stemmer takes it off that stem: "optimizaion" is one edit from
        // "optimiz" + "ation", but "optimization" stems to "optim", so "optim" is the nearest term.
        let optimization = try searcher.search("optimizaion", options: options)
        #expect(optimization.hits.first?.id == "optimization")
        #expect(optimization.notices.first?.hasPrefix("'optimizaion' is in no paper; searched words near it: optim,") == true,
                "\(optimization.notices)")
        // A word of five letters or more as typed is corrected even when its stem is shorter ("ksewness"
        // stems to "ksew"), here through its one-edit spellings (a swap of the first two letters).
        #expect(try searcher.search("ksewness", options: options).hits.map(\.id) == ["skewness"])
        // The first two letters swapped and another slip (two edits of twelve letters): the walk holding the
        // first letter cannot find it, the one holding the second does.
        #expect(try searcher.search("esgmentatoin", options: options).hits.map(\.id) == ["segmentation"])
        var exact = options
        exact.corrections = false
        #expect(try searcher.search("gendrtaion", options: exact).hits.isEmpty)
    }

    @Test func theNearestSpellingsOfAWordNoPaperHoldsWeighMostAndARareOneEditAwayAddsTheCommonTwoAway() throws {
        // 400 papers: a term is common (`Query.commonShare`) from two papers on. "vortex" is in one, "vertex"
        // in five; "vortez" is one edit from the first and two from the second.
        var papers = (0..<394).map { Paper(id: "o\($0)", title: "Other things \($0)", abstract: "Nothing of the kind.") }
        papers += (0..<5).map { Paper(id: "v\($0)", title: "Vertex cover \($0)", abstract: "Graphs.") }
        papers.append(Paper(id: "vortex", title: "Vortex shedding", abstract: "Fluids."))
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        var options = SearchOptions(limit: 10, snippets: false, exhaustive: true)
        options.explain = true
        // Only a rare term one edit away: the terms two away are searched too, each edit beyond the nearest
        // weighing half as much, both with the idf of the most frequent ("vertex").
        let widened = try searcher.search("vortez", options: options).hits
        #expect(widened.first?.id == "vortex" && Set(widened.dropFirst().map(\.id)) == Set((0..<5).map { "v\($0)" }))
        #expect("\(try #require(widened.first?.explanation))".contains("vortex (1 edit from vortez, idf ×0.8)"))
        #expect("\(try #require(widened.last?.explanation))".contains("vertex (2 edits from vortez, idf ×0.4)"))
        // The nearest weighs `Query.correctionWeight` of the word it stands for: 0.8 of "vertex" as written.
        let near = try #require(try searcher.search("vertez", options: options).hits.first { $0.id == "v0" })
        let exact = try #require(try searcher.search("vertex", options: options).hits.first { $0.id == "v0" })
        #expect(abs(near.score - exact.score * Query.correctionWeight) < 1e-6 * exact.score)
        // A common term one edit away: nothing two away is searched.
        #expect(!(try searcher.search("vertez", options: options).hits.contains { $0.id == "vortex" }))
        // In a long query, a word in no paper is as often one the collection does not use: its spellings weigh
        // half per edit, and two edits are tried only when one finds nothing.
        let long = try searcher.search(QueryParser.plainWords("vortez shedding fluids cover graphs"), options: options).hits
        #expect(!long.contains { $0.explanation.map { "\($0)".contains("vertex (2 edits") } ?? false })
        #expect("\(try #require(long.first { $0.id == "vortex" }?.explanation))".contains("vortex (1 edit from vortez, idf ×0.5)"))
    }

    @Test func aSlipInTheFirstLetterIsFoundWhenTheWalksHoldingItFindNoCommonWord() throws {
        // "xoure" for "source": two edits, one of them the first letter, and nothing near it starts with
        // "x" or "o"; with corrections off, nothing is found.
        var papers = (0..<395).map { Paper(id: "o\($0)", title: "Other things \($0)", abstract: "Nothing of the kind.") }
        papers += (0..<5).map { Paper(id: "s\($0)", title: "Source code \($0)", abstract: "Programs.") }
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        var options = SearchOptions(limit: 10, snippets: false, exhaustive: true)
        options.explain = true
        let hits = try searcher.search("xoure", options: options).hits
        #expect(Set(hits.map(\.id)) == Set((0..<5).map { "s\($0)" }))
        #expect("\(try #require(hits.first?.explanation))".contains("sourc (2 edits from xoure, idf ×0.8)"))
        options.corrections = false
        #expect(try searcher.search("xoure", options: options).hits.isEmpty)
    }

    @Test func numbersAndWordsWithDigitsAreNeverChanged() throws {
        let papers = [Paper(id: "a", title: "GPT4 and ResNet50", abstract: "2021 results"),
                      Paper(id: "b", title: "GPT3 and ResNet18", abstract: "2020 results")]
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        for query in ["gpt4~", "resnet50~2", "2021~"] {
            #expect(try searcher.search(query, options: SearchOptions(limit: 10, snippets: false)).hits.map(\.id) == ["a"], "\(query)")
        }
    }

    @Test func fuzzyWordsOfTheSampleMatchTheUnionOfTheirTerms() throws {
        // The oracle: every text term within the edits (brute force over the dictionary), searched as an OR.
        let (index, _) = try SearchFixtures.arxiv()
        let searcher = try Searcher(index: index)
        var terms: [[UInt8]] = []
        try index.terms.forEachTerm { (term: [UInt8], _: TermInfo) throws(IndexError) in
            if term.first == FieldNamespace.text.rawValue { terms.append(Array(term.dropFirst())) }
        }
        var all = SearchOptions(limit: 100_000, snippets: false, exhaustive: true)
        all.exactCount = true
        for word in ["quantisation", "tranformer", "netwrok", "graph", "lerning"] {
            let stem = Array(index.analyzer.tokens(word).compactMap(\.indexedTerm).joined().utf8)
            let edits = Query.automaticEdits(forLength: stem.count)
            let near = terms.filter { FuzzyTermWalkTests.distance($0, stem) <= edits }.prefix(Query.prefixLimit)
            var expected = Set<String>()
            for term in near {
                // Each term's papers, read from its postings.
                if let info = try index.lookup(.text, term) {
                    for s in index.segments.indices where info.infos[s] != nil {
                        var cursor = index.segments[s].segment.cursor(info.infos[s])
                        cursor.forEachDocument(below: PostingsCursor.exhausted) { document, _, _ in
                            expected.insert((try? index.paper(at: Int(document) + Int(index.segments[s].base)).id) ?? "")
                        }
                    }
                }
            }
            let found = try searcher.search("\(word)~", options: all)
            #expect(Set(found.hits.map(\.id)) == expected, "\(word)")
            #expect(found.totalHits == expected.count, "\(word)")
        }
    }
}

@Suite("Did you mean")
struct SuggestionTests {
    @Test func aRareMisspeltWordGetsTheSpellingManyPapersUse() throws {
        var papers = (0..<25).map { Paper(id: "t\($0)", title: "A transformer for task \($0)", abstract: "Transformer layers.") }
        papers.append(Paper(id: "typo", title: "A tranformer", abstract: "Graphs and a tranformer."))
        papers.append(Paper(id: "g", title: "Graphs", abstract: "Graph theory."))
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(papers, in: directory) }
        let searcher = try Searcher(index: index)
        let options = SearchOptions(limit: 10, snippets: false)
        // One paper holds the misspelling: it ranks first, and the near spelling 25 papers use is searched too.
        let few = try searcher.search("tranformer", options: options)
        #expect(few.hits.first?.id == "typo" && few.totalHits == 26)
        #expect(few.notices == ["'tranformer' is in only 1 paper; searched words near it too: transform (--exact to turn this off)"])
        #expect(few.suggestion == "transformer")
        var asWritten = options
        asWritten.corrections = false
        #expect(try searcher.search("tranformer", options: asWritten).hits.map(\.id) == ["typo"])
        // Nothing matches as written (no paper holds "tranformer" and "theory"): the suggestion's results,
        // said so (here none either; with "layers", all 25).
        let none = try searcher.search("+tranformer +theory", options: options)
        #expect(none.suggestion == "+transformer +theory")
        #expect(none.hits.isEmpty && none.notices.first == "no paper matches '+tranformer +theory'; these are the results for '+transformer +theory'")
        let instead = try searcher.search("+tranformer +layers", options: options)
        #expect(instead.suggestion == "+transformer +layers" && instead.hits.count == 10 && instead.totalHits == 25)
        // A word no paper holds, searched as its near spellings (many papers match): the suggestion too. Ten
        // letters as typed allow two edits, so the one paper's "tranformer" is near too.
        let corrected = try searcher.search("transfomer", options: options)
        #expect(corrected.totalHits == 26 && corrected.suggestion == "transformer")
        // Many results, a word many papers hold, an excluded word, or corrections off: no suggestion.
        #expect(try searcher.search("transformer", options: options).suggestion == nil)
        #expect(try searcher.search("graphs -tranformer", options: options).suggestion == nil)
        var exact = options
        exact.corrections = false
        #expect(try searcher.search("tranformer", options: exact).suggestion == nil)
    }
}
