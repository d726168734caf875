/// How "papers like these" picks its query terms.
public struct SimilarOptions: Sendable {
    /// The selection method.
    public enum Method: String, Sendable, CaseIterable {
        /// PaperSearch's: every term of the source counts (tf ≥ 1, as abstracts are short), title words count
        /// `titleWeight` times, tf is dampened (1 + ln tf), terms in more than half the papers are ignored,
        /// and each term's weight is its share of the best term's score.
        case paperSearch = "papersearch"
        /// Lucene's MoreLikeThis defaults: tf ≥ 2, df ≥ 5, 25 terms by tf·idf, no weighting.
        case luceneDefaults = "lucene"
    }

    public var method: Method = .paperSearch
    /// How many papers to return.
    public var limit = 10
    /// The most query terms (Lucene's default is 25).
    public var maximumTerms = 30
    /// How many of the best query terms find the candidates, which are then scored with every query term
    /// (0: every term finds candidates). Long queries make dynamic pruning weak; their strongest terms find
    /// nearly all the papers the whole query ranks first, in a fraction of the time.
    public var retrievalTerms = 10
    /// With `retrievalTerms`: how many candidates are scored with every term, at least.
    public var minimumCandidates = 200
    /// Terms in fewer papers than this are ignored (too rare to relate papers).
    public var minimumDocumentFrequency = 2
    /// Terms in more than this share of the papers are ignored (too common to tell papers apart).
    public var maximumDocumentShare = 0.5
    /// Whether hits carry a snippet of their abstract with the query terms marked.
    public var snippets = true
    /// Whether hits carry their score broken into terms.
    public var explain = false

    public init(method: Method = .paperSearch, limit: Int = 10, snippets: Bool = true, explain: Bool = false) {
        self.method = method
        self.limit = limit
        self.snippets = snippets
        self.explain = explain
    }
}

/// The results of a "similar" search, with the terms that drove it.
public struct SimilarResults: Sendable {
    public var hits: [Hit]
    /// The query terms chosen from the sources and their weights (1 for the best), best first.
    public var terms: [(term: String, weight: Double)]
    /// Papers left out because they are the sources or duplicates of them (among those ranked above the
    /// last hit).
    public var excluded: Int
    /// Said instead of results when no term of the sources can relate them to other papers.
    public var notice: String?
}

extension Searcher {
    /// Papers like one or several papers of the index (a reading list). The sources, and papers that are
    /// the same paper under another id (same title or same abstract), are never returned.
    public func similar(to ids: [String], options: SimilarOptions = SimilarOptions()) throws(SearchError) -> SimilarResults {
        var sources: [Paper] = []
        do {
            for id in ids {
                guard let document = try index.documentNumber(forID: id) else { throw SearchError.unknownPaper(id: id) }
                sources.append(try index.paper(at: document))
            }
        } catch let error as SearchError {
            throw error
        } catch let error as IndexError {
            throw .index(error)
        } catch {
            throw .index(.corrupt(file: index.path, reason: "\(error)"))
        }
        return try similar(sources: sources, options: options)
    }

    /// Papers like a text (an abstract or a draft); an optional title counts as a title.
    public func similar(text: String, title: String = "", options: SimilarOptions = SimilarOptions()) throws(SearchError) -> SimilarResults {
        try similar(sources: [Paper(id: "", title: title, abstract: text)], options: options)
    }

    func similar(sources: [Paper], options: SimilarOptions) throws(SearchError) -> SimilarResults {
        do {
            let selection = try SimilarTerms.select(for: sources, options: options, index: index, parameters: parameters)
            let plan = selection.plan(terms: selection.candidates.count)
            // Fetch a few more than asked: the sources and their duplicates may be among the best.
            let wanted = options.limit + sources.count + 5
            let entries: [TopK.Entry]
            if !selection.lucene && options.retrievalTerms > 0 && selection.candidates.count > options.retrievalTerms {
                // Two phases: the strongest terms find candidates (pruned top-k), every term scores them.
                let found = try run(selection.plan(terms: options.retrievalTerms),
                                    capacity: max(options.minimumCandidates, 4 * wanted), exhaustive: false).0
                let documents = found.map(\.document).sorted()
                var topK = TopK(capacity: wanted)
                for (document, score) in zip(documents, try rescore(documents, plan: plan)) { topK.insert(document, score: score) }
                entries = topK.sorted()
            } else {
                entries = try run(plan, capacity: wanted, exhaustive: false).0
            }
            let sourceIDs = Set(sources.map(\.id).filter { !$0.isEmpty })
            let sourceTitles = Set(sources.map { PaperID.normalizedTitle($0.title) }.filter { !$0.isEmpty })
            let sourceAbstracts = Set(sources.map { TextCleanup.collapsingWhitespace($0.abstract) }.filter { $0.count > 40 })
            var hits: [Hit] = []
            var excluded = 0
            for entry in entries {
                guard hits.count < options.limit else { break }  // papers past the last hit are not read
                let paper = try index.paper(at: Int(entry.document))
                if sourceIDs.contains(paper.id) || sourceTitles.contains(PaperID.normalizedTitle(paper.title))
                    || sourceAbstracts.contains(TextCleanup.collapsingWhitespace(paper.abstract)) {
                    excluded += 1
                    continue
                }
                var hit = Hit(document: Int(entry.document), score: entry.score, paper: paper)
                if options.explain { hit.explanation = explain(entry.document, plan: plan) }
                hits.append(hit)
            }
            if options.snippets { try Snippet.add(to: &hits, plan: plan, index: index) }
            return SimilarResults(hits: hits, terms: selection.chosen, excluded: excluded, notice: plan.notice)
        } catch {
            throw .index(error)
        }
    }
}

/// Picks the terms of a "similar" query (Lucene's MoreLikeThis, improved for short abstracts; see
/// `SimilarOptions.Method`).
struct SimilarTerms {
    struct Candidate {
        var bytes: [UInt8]
        var indexed: IndexedTerm
        var score: Double
    }

    /// The kept terms, best first.
    var candidates: [Candidate]
    var lucene: Bool
    var documentCount: Int

    /// The chosen terms and their weights (1 for the best), best first.
    var chosen: [(term: String, weight: Double)] {
        let best = candidates.first?.score ?? 1
        return candidates.map { (String(decoding: $0.bytes, as: UTF8.self), lucene ? 1 : $0.score / best) }
    }

    static func select(
        for sources: [Paper], options: SimilarOptions, index: SearchIndex, parameters: BM25Parameters
    ) throws(IndexError) -> SimilarTerms {
        let lucene = options.method == .luceneDefaults
        // Term frequencies in the sources: title occurrences weighted like BM25F's title weight.
        var frequencies: [[UInt8]: Double] = [:]
        // How many indexed sources hold each term: a term no other paper holds cannot find anything.
        var indexedSourcesHolding: [[UInt8]: Int] = [:]
        for source in sources {
            var seen: Set<[UInt8]> = []
            for (text, weight) in [(source.title, lucene ? 1 : parameters.titleWeight), (source.abstract, 1.0)] {
                for token in index.analyzer.tokens(text) {
                    guard let term = token.indexedTerm, token.kind == .word || token.kind == .number else { continue }
                    let bytes = Array(term.utf8)
                    frequencies[bytes, default: 0] += weight
                    if !source.id.isEmpty && seen.insert(bytes).inserted { indexedSourcesHolding[bytes, default: 0] += 1 }
                }
            }
        }
        let documentCount = index.documentCount
        let minimumTermFrequency = lucene ? 2.0 : 1.0
        let minimumDocumentFrequency = lucene ? 5 : min(options.minimumDocumentFrequency, max(1, documentCount / 100))
        let maximumTerms = lucene ? 25 : options.maximumTerms
        var candidates: [Candidate] = []
        for (bytes, frequency) in frequencies where frequency >= minimumTermFrequency {
            guard let info = try index.lookup(.text, bytes), info.documentFrequency >= minimumDocumentFrequency,
                  info.documentFrequency > indexedSourcesHolding[bytes, default: 0] else { continue }
            if !lucene && Double(info.documentFrequency) > options.maximumDocumentShare * Double(documentCount) { continue }
            let score: Double
            if lucene {
                // Lucene's MoreLikeThis: tf × ClassicSimilarity idf.
                score = frequency * (Math.log(Double(documentCount) / Double(info.documentFrequency + 1)) + 1)
            } else {
                score = (1 + Math.log(frequency)) * BM25.idf(documentFrequency: info.documentFrequency, documentCount: documentCount)
            }
            candidates.append(Candidate(bytes: bytes, indexed: info, score: score))
        }
        candidates.sort { $0.score > $1.score || ($0.score == $1.score && $0.bytes.lexicographicallyPrecedes($1.bytes)) }
        return SimilarTerms(candidates: Array(candidates.prefix(maximumTerms)), lucene: lucene, documentCount: documentCount)
    }

    /// A disjunction of the best `count` terms, each weighted by its idf times its share of the best term's
    /// score (Lucene's MoreLikeThis leaves the weights alone).
    func plan(terms count: Int) -> SearchPlan {
        let best = candidates.first?.score ?? 1
        var plan = SearchPlan()
        // In byte order, so that scores are summed in a fixed order whatever the selection order.
        for candidate in candidates.prefix(count).sorted(by: { $0.bytes.lexicographicallyPrecedes($1.bytes) }) {
            let boost = lucene ? 1 : candidate.score / best
            let idf = BM25.idf(documentFrequency: candidate.indexed.documentFrequency, documentCount: documentCount)
            plan.terms.append(PlanTerm(namespace: .text, bytes: candidate.bytes, field: .text, indexed: candidate.indexed,
                                       weight: idf * boost, display: String(decoding: candidate.bytes, as: UTF8.self)))
        }
        plan.scoringTerms = Array(plan.terms.indices)
        plan.root = plan.terms.isEmpty ? .nothing : (plan.terms.count == 1 ? .term(0) : .anyOf(plan.terms.indices.map { .term($0) }))
        if plan.terms.isEmpty { plan.notice = "the sources have no words in common with other papers" }
        return plan
    }
}
