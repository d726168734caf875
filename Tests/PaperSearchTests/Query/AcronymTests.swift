import Testing
@testable import PaperSearch

@Suite("Acronyms")
struct AcronymTests {
    /// "short form = long form" for each definition in the text.
    static func pairs(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        return SchwartzHearst.definitions(in: text).map {
            String(decoding: bytes[$0.shortForm], as: UTF8.self) + " = " + String(decoding: bytes[$0.longForm], as: UTF8.self)
        }
    }

    @Test func schwartzHearstFindsLongFormsBeforeTheirShortForms() {
        #expect(Self.pairs("We train binary neural networks (BNNs) on images.") == ["BNNs = binary neural networks"])
        #expect(Self.pairs("Devices of the Internet of Things (IoT) and large language models (LLMs, GPT-4).")
                == ["IoT = Internet of Things", "LLMs = large language models"])
        // The first letter must start a word; letters are matched from the last.
        #expect(Self.pairs("We study vision-language models (VLMs).") == ["VLMs = vision-language models"])
        #expect(Self.pairs("a mixed precision quantization (MPQ) scheme") == ["MPQ = mixed precision quantization"])
        // Not short forms: lower case, numbers, citations, references; nor long forms that do not spell them.
        for text in ["results (i) and (ii)", "as shown (2019)", "methods (see Fig. 2)", "models (e.g., BNN)",
                     "great results (LLMs) here", "a (BNN)", "Transformers (TF)"] {
            #expect(Self.pairs(text).isEmpty, "\(text)")
        }
    }

    @Test func longFormsAreShownWithoutMarkupOrQuotationMarks() {
        func display(_ written: String) -> String { String(decoding: AcronymTerms.display(written.utf8), as: UTF8.self) }
        #expect(display("\\textit{Condorcet  Jury\nTheorem}") == "condorcet jury theorem")
        #expect(display("\\textbf{contrastive unpaired translation") == "contrastive unpaired translation")
        #expect(display("``matrix product state\"") == "matrix product state")
        #expect(display("``behavioral foundation models''") == "behavioral foundation models")
        #expect(display("\"I don't know\"") == "i don't know")
        #expect(display("'speech concept bottleneck model'") == "speech concept bottleneck model")
        #expect(display("Bird's eye view") == "bird's eye view")
        #expect(display("Fr\\'echet distance") == "frechet distance")
        #expect(display("$\\alpha$-divergence estimation") == "alpha-divergence estimation")
        #expect(display("vision-language models") == "vision-language models")
        #expect(display("$q$-Hamming code membership function~") == "q-hamming code membership function")
        #expect(display("$\\mathcal{O}$-minimal structures") == "o-minimal structures")
    }

    static let papers = [
        Paper(id: "a1", title: "Training binary neural networks (BNNs)", abstract: "BNNs are fast. We binarize BNN weights."),
        Paper(id: "a2", title: "Pruning BNNs", abstract: "We prune binary neural networks (BNNs), and BNN layers."),
        Paper(id: "a3", title: "Binary neural networks (BNN) at the edge", abstract: "A BNN accelerator."),
        Paper(id: "long", title: "Sparse binary neural networks", abstract: "Binary neural networks with sparse weights."),
        Paper(id: "short", title: "A BNN compiler", abstract: "We compile BNN models for microcontrollers."),
        Paper(id: "other", title: "Bayesian networks", abstract: "Graphs of beliefs; neural and binary."),
        Paper(id: "once", title: "Quantum error codes (QEC)", abstract: "Codes for qubits."),
    ]

    @Test func aTrustedAcronymFindsItsLongFormAndTheLongFormFindsIt() throws {
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(Self.papers, in: directory) }
        let learned = try index.learnedAcronyms()
        #expect(learned.map(\.shortForm) == ["bnn", "qec"])
        #expect(learned[0].longForm == "binary neural networks" && learned[0].papers == 3 && learned[0].trusted)
        #expect(learned[1].papers == 1 && !learned[1].trusted, "one paper's abbreviation is not trusted")
        #expect(try index.learnedAcronyms(shortForm: "BNNs") == [learned[0]])

        let searcher = try Searcher(index: index)
        let options = SearchOptions(limit: 10, snippets: false)
        let acronym = try searcher.search("BNN", options: options)
        #expect(Set(acronym.hits.map(\.id)) == ["a1", "a2", "a3", "long", "short"])
        // The paper that only spells the long form out ranks among the others, below those using the acronym.
        #expect(acronym.hits.last?.id == "long")
        // One hit asked for: the count pruning leaves is still no "few matches" (no suggestion is looked for).
        let one = try searcher.search("BNN", options: SearchOptions(limit: 1, snippets: false))
        #expect(one.hits.count == 1 && one.totalHits >= Suggestion.fewHits && one.suggestion == nil, "\(one.totalHits)")
        #expect(acronym.notices == ["'BNN' also searched as \"binary neural networks\" (=BNN searches the word alone)"])
        // The forms are alternatives: a paper writing both scores its better form, not their sum (here the
        // acronym, as if unexpanded), so it does not outrank every paper that writes one form.
        var unexpanded = options
        unexpanded.acronyms = false
        let plainScores = Dictionary(uniqueKeysWithValues: try searcher.search("BNN", options: unexpanded).hits.map { ($0.id, $0.score) })
        for hit in acronym.hits where hit.id != "long" { #expect(hit.score == plainScores[hit.id], "\(hit.id)") }
        // =BNN and the library option search the word alone.
        #expect(Set(try searcher.search("=BNN", options: options).hits.map(\.id)) == ["a1", "a2", "a3", "short"])
        var alone = options
        alone.acronyms = false
        #expect(try searcher.search("BNN", options: alone).notices.isEmpty)
        #expect(Set(try searcher.search("BNN", options: alone).hits.map(\.id)) == ["a1", "a2", "a3", "short"])
        // The long form finds the paper that only writes the acronym.
        let long = try searcher.search("binary neural networks", options: options)
        #expect(long.hits.map(\.id).contains("short"))
        #expect(long.notices == ["\"binary neural networks\" also searched as BNN"])
        // Long queries are left as they are: their other words carry the topic.
        #expect(try searcher.search("BNN weights for sparse edge microcontrollers", options: options).notices.isEmpty)
        #expect(try searcher.search("binary neural networks with sparse and pruned edge weights", options: options).notices.isEmpty)
        // An untrusted pair expands nothing.
        #expect(try searcher.search("QEC", options: options).notices.isEmpty)
        // Explain names the expansion.
        var explained = options
        explained.explain = true
        let explanation = try #require(try searcher.search("BNN", options: explained).hits.first { $0.id == "long" }?.explanation)
        #expect("\(explanation)".contains("in binary neural networks, for BNN"))
    }

    /// A common word that a few papers define as an acronym is searched as the word: the long form is used
    /// only when at least `Query.acronymWordShare` of the papers holding the word define it.
    @Test func aCommonWordIsNotExpandedAsARareAcronym() throws {
        let definitions = (0..<2).map { Paper(id: "d\($0)", title: "Pooling \($0)", abstract: "We use global average pooling (GAP) at the end.") }
        let uses = (0..<120).map { Paper(id: "u\($0)", title: "Study \($0)", abstract: "A gap between theory and practice remains.") }
        let longOnly = [Paper(id: "long", title: "Heads", abstract: "A head with global average pooling only.")]
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(definitions + uses + longOnly, in: directory) }
        #expect(try index.learnedAcronyms(shortForm: "gap").first?.trusted == true, "the pair itself is trusted")
        let results = try Searcher(index: index).search("gap", options: SearchOptions(limit: 200, snippets: false))
        #expect(results.notices.isEmpty)
        #expect(!results.hits.map(\.id).contains("long"))
        // Where the papers holding the word mostly define it, it is expanded.
        let fewUses = try SearchFixtures.openedAndRemoved { directory in
            _ = try IndexFixtures.build(definitions + uses.prefix(20) + longOnly, in: directory)
        }
        #expect(try Searcher(index: fewUses).search("gap", options: SearchOptions(limit: 200, snippets: false)).hits.map(\.id).contains("long"))
    }

    /// A rare word is also searched as the near spellings many more papers use (a slip that made another
    /// word), but not when the papers define it as an acronym: "HCMF" is not a slip for "HCMS".
    @Test func aRareAcronymIsNotTakenForASlip() throws {
        let definitions = (0..<2).map { Paper(id: "d\($0)", title: "Codes \($0)", abstract: "A Hamming code membership function (HCMF) decides.") }
        let neighbours = (0..<40).map { Paper(id: "n\($0)", title: "Systems \($0)", abstract: "HCMS controllers.") }
        let index = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(definitions + neighbours, in: directory) }
        let searcher = try Searcher(index: index)
        let options = SearchOptions(limit: 100, snippets: false)
        #expect(Set(try searcher.search("hcmf", options: options).hits.map(\.id)) == ["d0", "d1"])
        #expect(Set(try searcher.search("hcmf codes", options: options).hits.map(\.id)) == ["d0", "d1"])
        #expect(try searcher.search("hcmf", options: options).suggestion == nil)
        // Not defined, the same rare word brings its common neighbour's papers too.
        let undefined = (0..<2).map { Paper(id: "d\($0)", title: "Codes \($0)", abstract: "An HCMF decides.") }
        let plain = try SearchFixtures.openedAndRemoved { directory in _ = try IndexFixtures.build(undefined + neighbours, in: directory) }
        let slip = try Searcher(index: plain).search("hcmf", options: options)
        #expect(slip.hits.count == 42 && slip.suggestion == "hcms")
    }

    /// Counts are those of the live papers: removing definitions can take a pair's trust away, and adding
    /// them gives it back, as a rebuild would.
    @Test func learnedAcronymsFollowAddedAndRemovedPapers() throws {
        let scratch = ScratchDirectory()
        let path = scratch.path + "/index"
        _ = try IndexFixtures.build(Self.papers, in: path)
        var options = IndexWriter.Options()
        options.mergePolicy = .never
        do {
            let writer = try IndexWriter(directory: path, options: options)
            #expect(try writer.remove(id: "a1") && writer.remove(id: "a2"))
            _ = try writer.commit()
        }
        var index = try SearchIndex.open(at: path)
        #expect(try index.learnedAcronyms(shortForm: "BNN").map(\.papers) == [1])
        #expect(try index.learnedAcronyms(shortForm: "BNN").first?.trusted == false)
        #expect(try Searcher(index: index).search("BNN", options: SearchOptions(limit: 10, snippets: false)).notices.isEmpty)
        do {
            let writer = try IndexWriter(directory: path, options: options)
            try writer.add(Paper(id: "a4", title: "Fast binary neural networks (BNNs)", abstract: "More BNN work."))
            _ = try writer.commit()
        }
        index = try SearchIndex.open(at: path)
        #expect(try index.learnedAcronyms(shortForm: "BNN").map(\.papers) == [2])
        #expect(try index.learnedAcronyms(shortForm: "BNN").first?.trusted == true)
    }

    /// The pairs the bundled corpus's index trusts, against a list checked by hand: every trusted pair must be
    /// on the list (a new one needs checking), and at least nine in ten must be right.
    @Test func trustedPairsOfTheBundledCorpusAreRight() throws {
        let checked = try fixtureText("acronyms-bundled.tsv").split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            $0.split(separator: "\t").map(String.init)
        }
        var labels: [String: Bool] = [:]
        for row in checked where row.count == 3 { labels[row[0] + "\t" + row[1]] = row[2] == "yes" }
        let trusted = try SearchFixtures.bundled().learnedAcronyms().filter(\.trusted)
        #expect(trusted.count >= 10)
        let unchecked = trusted.filter { labels[$0.shortForm + "\t" + $0.longForm] == nil }
        #expect(unchecked.isEmpty, "pairs not checked by hand: \(unchecked.map { "\($0.shortForm)\t\($0.longForm)" })")
        let right = trusted.filter { labels[$0.shortForm + "\t" + $0.longForm] == true }.count
        #expect(Double(right) >= 0.9 * Double(trusted.count), "precision \(right)/\(trusted.count)")
    }
}
