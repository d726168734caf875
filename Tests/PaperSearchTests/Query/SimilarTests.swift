import Foundation
import Testing
@testable import PaperSearch

@Suite("Similar papers")
struct SimilarTests {
    /// A hand-made collection: a source on graphene membranes, the same paper under another id, close and
    /// distant neighbours, and filler papers that all mention "model" (a word in more than half the papers).
    static let papers: [Paper] = {
        var papers = [
            Paper(id: "src", title: "Graphene membranes",
                  abstract: "Graphene membranes filter water. Thin graphene membranes with nanopores desalinate seawater; "
                      + "we model the flow. Zyxoid coatings help."),
            Paper(id: "src-copy", title: "Graphene  Membranes", abstract: "A preprint version of the graphene membranes paper."),
            Paper(id: "close", title: "Graphene for desalination", abstract: "Desalinate seawater with graphene nanopores: a model."),
            Paper(id: "polymer", title: "Polymer membranes", abstract: "Polymer membranes filter water in a model plant."),
            Paper(id: "quantum", title: "Quantum dots", abstract: "Quantum dots emit light; a model of quantum confinement."),
        ]
        for index in 0..<6 {
            papers.append(Paper(id: "filler\(index)", title: "Filler \(index)", abstract: "A model of traffic \(index) and weather."))
        }
        return papers
    }()

    static func handMadeIndex() throws -> (ScratchDirectory, SearchIndex) {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build(papers, in: scratch.path)
        return (scratch, try SearchIndex.open(at: scratch.path))
    }

    @Test func termSelectionWeighsTitlesDampensFrequencyAndDropsUselessTerms() throws {
        let (scratch, index) = try Self.handMadeIndex()
        defer { withExtendedLifetime(scratch) {} }
        let results = try Searcher(index: index).similar(to: ["src"], options: SimilarOptions(snippets: false))
        let weights = Dictionary(uniqueKeysWithValues: results.terms.map { ($0.term, $0.weight) })
        // "zyxoid" and "coat" are in the source only: they cannot find another paper. "model" is in more than
        // half of the papers. Stop words never count.
        for dropped in ["zyxoid", "coat", "model", "the", "we"] { #expect(weights[dropped] == nil, "\(dropped)") }
        #expect(Set(weights.keys).isSuperset(of: ["graphen", "membran", "nanopor", "desalin", "seawat", "filter", "water"]))
        // Weights: (1 + ln tf) · idf relative to the best, where title words count titleWeight (2) times.
        let n = index.documentCount
        func raw(_ frequency: Double, _ documentFrequency: Int) -> Double {
            (1 + Foundation.log(frequency)) * BM25.idf(documentFrequency: documentFrequency, documentCount: n)
        }
        let graphene = raw(2 + 2, 3), membranes = raw(2 + 2, 3), nanopores = raw(1, 2)
        let best = max(graphene, membranes, nanopores)
        #expect(results.terms.first?.weight == 1)
        #expect(abs(try #require(weights["graphen"]) - graphene / best) < 1e-12)
        #expect(abs(try #require(weights["membran"]) - membranes / best) < 1e-12)
        #expect(abs(try #require(weights["nanopor"]) - nanopores / best) < 1e-12)
        #expect(results.terms.map(\.weight) == results.terms.map(\.weight).sorted(by: >))
    }

    @Test func theSourceAndItsDuplicatesAreNeverNeighbours() throws {
        let (scratch, index) = try Self.handMadeIndex()
        defer { withExtendedLifetime(scratch) {} }
        let searcher = try Searcher(index: index)
        let results = try searcher.similar(to: ["src"], options: SimilarOptions(limit: 20, snippets: false))
        let ids = results.hits.map(\.id)
        #expect(!ids.contains("src") && !ids.contains("src-copy"))
        #expect(results.excluded == 2)
        #expect(ids.first == "close")
        #expect(ids.contains("polymer"))
        #expect(!ids.contains("quantum"))
        // A limit smaller than the excluded papers still fills up.
        #expect(try searcher.similar(to: ["src"], options: SimilarOptions(limit: 1, snippets: false)).hits.map(\.id) == ["close"])
    }

    @Test func readingListsCombineTheirSources() throws {
        let (scratch, index) = try Self.handMadeIndex()
        defer { withExtendedLifetime(scratch) {} }
        let searcher = try Searcher(index: index)
        let results = try searcher.similar(to: ["close", "polymer"], options: SimilarOptions(limit: 20, snippets: false))
        let ids = results.hits.map(\.id)
        #expect(!ids.contains("close") && !ids.contains("polymer"))
        #expect(Set(ids).isSuperset(of: ["src", "src-copy"]))
        // Terms come from both sources: "desalin" from one, "water" from the other.
        let terms = Set(results.terms.map(\.term))
        #expect(terms.isSuperset(of: ["desalin", "water", "membran"]))
        #expect(!terms.contains("polym"))  // in a source only: it can find nothing else
        // Each source alone misses the other's terms.
        #expect(!Set(try searcher.similar(to: ["close"]).terms.map(\.term)).contains("water"))
    }

    @Test func textSourcesAndUnknownIDs() throws {
        let (scratch, index) = try Self.handMadeIndex()
        defer { withExtendedLifetime(scratch) {} }
        let searcher = try Searcher(index: index)
        let draft = try searcher.similar(text: "Seawater desalination through graphene nanopores.", options: SimilarOptions(limit: 3, snippets: true))
        #expect(draft.hits.first?.id == "close")
        #expect(draft.excluded == 0)
        #expect(draft.hits.first?.snippet?.highlights.isEmpty == false)
        // Pasting a paper of the index (title and abstract) leaves it and its duplicate out.
        let source = Self.papers[0]
        let pasted = try searcher.similar(text: source.abstract, title: source.title, options: SimilarOptions(limit: 20, snippets: false))
        #expect(!pasted.hits.map(\.id).contains("src") && !pasted.hits.map(\.id).contains("src-copy"))
        #expect(pasted.excluded == 2)
        // Text with no usable word says so.
        let empty = try searcher.similar(text: "the of and")
        #expect(empty.hits.isEmpty && empty.notice != nil)
        #expect(throws: SearchError.unknownPaper(id: "nope")) { _ = try searcher.similar(to: ["src", "nope"]) }
    }

    @Test func luceneDefaultsFindNothingInShortAbstractsWherePaperSearchDoes() throws {
        // Every word of a short abstract occurs once, so MoreLikeThis's minimum term frequency of 2 (and its
        // minimum document frequency of 5) leave no query; PaperSearch's selection still finds the neighbour.
        let (scratch, index) = try Self.handMadeIndex()
        defer { withExtendedLifetime(scratch) {} }
        let searcher = try Searcher(index: index)
        let lucene = try searcher.similar(to: ["close"], options: SimilarOptions(method: .luceneDefaults, snippets: false))
        #expect(lucene.terms.isEmpty && lucene.hits.isEmpty)
        let ours = try searcher.similar(to: ["close"], options: SimilarOptions(snippets: false))
        #expect(ours.hits.first?.id == "src")
    }

    @Test func prunedSimilarityEqualsExhaustiveScoring() throws {
        // The weighted queries of "similar" run through MaxScore with block-max skipping: on a corpus with long
        // postings their top 10 must equal scoring every matching paper. The two-phase form (the strongest
        // terms find candidates, all terms score them) must give every hit its exact score, best first.
        let (index, papers) = try SearchFixtures.synthetic()
        let searcher = try Searcher(index: index)
        var random = SplitMix64(seed: 5)
        var twoPhaseHits = 0, twoPhaseCases = 0
        for _ in 0..<40 {
            let sources = (0..<Int(random.next() % 3 + 1)).map { _ in papers[Int(random.next() % UInt64(papers.count))] }
            let selection = try SimilarTerms.select(for: sources, options: SimilarOptions(), index: index, parameters: searcher.parameters)
            let plan = selection.plan(terms: selection.candidates.count)
            let (pruned, _, _) = try searcher.run(plan, capacity: 10, exhaustive: false)
            let (exhaustive, _, _) = try searcher.run(plan, capacity: index.documentCount, exhaustive: true)
            #expect(pruned.map(\.document) == exhaustive.prefix(10).map(\.document))
            #expect(pruned.map(\.score) == exhaustive.prefix(10).map(\.score))

            let exact = Dictionary(uniqueKeysWithValues: exhaustive.map { (Int($0.document), $0.score) })
            let twoPhase = try searcher.similar(sources: sources, options: SimilarOptions(limit: 10, snippets: false))
            if selection.candidates.count > SimilarOptions().retrievalTerms { twoPhaseCases += 1 }
            for hit in twoPhase.hits { #expect(hit.score == exact[hit.document]) }
            #expect(twoPhase.hits.map(\.score) == twoPhase.hits.map(\.score).sorted(by: >))
            twoPhaseHits += twoPhase.hits.count
            // Exact mode: the best papers of the whole query, less the sources.
            var exactOptions = SimilarOptions(limit: 10, snippets: false)
            exactOptions.retrievalTerms = 0
            let exactHits = try searcher.similar(sources: sources, options: exactOptions).hits
            let sourceDocuments = Set(try sources.map { try #require(try index.documentNumber(forID: $0.id)) })
            let expected = exhaustive.filter { !sourceDocuments.contains(Int($0.document)) }.prefix(10)
            #expect(exactHits.map(\.document) == expected.map { Int($0.document) })
        }
        #expect(twoPhaseHits == 400)
        #expect(twoPhaseCases >= 30)
    }
}
