/// Why a search failed.
public enum SearchError: Error, Equatable, Sendable, CustomStringConvertible {
    case query(QueryError)
    case index(IndexError)
    case invalidParameters(String)
    case unknownPaper(id: String)

    public var description: String {
        switch self {
        case let .query(error): return error.description
        case let .index(error): return error.description
        case let .invalidParameters(reason): return "invalid BM25 parameters: \(reason)"
        case let .unknownPaper(id): return "no paper with id '\(id)' in the index"
        }
    }
}

/// One result.
public struct Hit: Sendable {
    /// The document number in the index.
    public var document: Int
    public var score: Double
    public var paper: Paper
    /// The best passage of the abstract with the matched words marked, when asked for.
    public var snippet: Snippet?
    /// Each term's part of the score, when asked for.
    public var explanation: Explanation?

    public var id: String { paper.id }
}

/// The results of a search.
public struct SearchResults: Sendable {
    /// The hits of the requested page, best first (or in the order asked for).
    public var hits: [Hit]
    /// How many papers match: exact, or (when pruning skipped counting) a lower bound. Exact whenever
    /// `SearchOptions.exactCount`, facets or a date order were asked for.
    public var totalHits: Int
    public var totalIsExact: Bool
    /// The counts of each facet asked for, over every match.
    public var facets: [Facet] = []
    /// Said instead of results when the query cannot match anything (e.g. only stop words).
    public var notice: String?
    /// Said beside the results: how the query was read where it may look otherwise (`bert:` is no field).
    public var notices: [String] = []
    public var query: Query
}

/// The order of results.
public enum SortOrder: String, Sendable, CaseIterable {
    /// Best first (the default).
    case relevance
    /// Newest first: by the paper's date (or its year), papers with neither last.
    case newest = "-date"
    /// Oldest first, papers with neither date nor year last.
    case oldest = "date"
}

/// How to search.
public struct SearchOptions: Sendable {
    public var limit = 10
    public var offset = 0
    public var sort = SortOrder.relevance
    /// Facets to count over every match (`SearchResults.facets`), each with its `facetLimit` most frequent values.
    public var facets: [FacetField] = []
    public var facetLimit = 10
    /// Count every match exactly (pruning otherwise stops counting early; see `SearchResults.totalHits`).
    public var exactCount = false
    public var snippets = true
    public var explain = false
    /// Read each hit's stored record; when false, hits carry only the paper id (fast, for runs and benchmarks).
    public var records = true
    /// Score every matching document instead of pruning (slower; the same results).
    public var exhaustive = false

    public init(limit: Int = 10, offset: Int = 0, snippets: Bool = true, explain: Bool = false, exhaustive: Bool = false,
                records: Bool = true) {
        self.records = records
        self.limit = limit
        self.offset = offset
        self.snippets = snippets
        self.explain = explain
        self.exhaustive = exhaustive
    }
}

/// Searches an open index. Immutable and `Sendable`: share one across threads.
///
///     let index = try SearchIndex.open(at: ".papers-index")
///     let searcher = try Searcher(index: index)
///     for hit in try searcher.search("quantum error correction").hits { print(hit.id, hit.score) }
public struct Searcher: Sendable {
    public let index: SearchIndex
    public let parameters: BM25Parameters
    /// BM25F's constants and tables for `parameters`, made once.
    let scorer: BM25.Scorer

    /// `parameters` default to those the index was built with.
    public init(index: SearchIndex, parameters: BM25Parameters? = nil) throws(SearchError) {
        let parameters = parameters ?? index.manifest.parameters
        if let problem = parameters.problem { throw .invalidParameters(problem) }
        self.index = index
        self.parameters = parameters
        scorer = BM25.Scorer(parameters: parameters, statistics: index.statistics)
    }

    /// Parses `text` in the query language and searches.
    public func search(_ text: String, options: SearchOptions = SearchOptions()) throws(SearchError) -> SearchResults {
        let query: Query
        var notices: [String] = []
        do { query = try QueryParser.parse(text, notices: &notices) } catch { throw .query(error) }
        var results = try search(query, options: options)
        results.notices = notices
        return results
    }

    /// Searches with a built query.
    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws(SearchError) -> SearchResults {
        let plan: SearchPlan
        do { plan = try PlanBuilder.build(query, index: index, parameters: parameters) } catch {
            switch error {
            case let .query(problem): throw .query(problem)
            case let .index(damage): throw .index(damage)
            }
        }
        do {
            let capacity = max(0, options.offset) + max(0, options.limit)
            var (entries, total, exact) = options.sort == .relevance
                ? try run(plan, capacity: capacity, exhaustive: options.exhaustive) : ([], 0, true)
            var facets: [Facet] = []
            // Date order, facets and exact counts visit every match, without scoring it.
            if options.sort != .relevance || !options.facets.isEmpty || (options.exactCount && !exact) {
                let matches = try self.matches(plan)
                total = matches.count
                exact = true
                if options.sort != .relevance { entries = try byDate(matches, plan: plan, capacity: capacity, newest: options.sort == .newest) }
                if !options.facets.isEmpty {
                    facets = try FacetCounting.count(options.facets, over: matches, index: index, limit: options.facetLimit)
                }
            }
            let page = entries.dropFirst(max(0, options.offset))
            var hits: [Hit] = []
            var scratch = AnalyzerScratch(stemCacheSlotBits: Snippet.stemCacheSlotBits)
            for entry in page {
                let paper = options.records ? try index.paper(at: Int(entry.document))
                                            : Paper(id: try index.documents.id(Int(entry.document)), title: "", abstract: "")
                var hit = Hit(document: Int(entry.document), score: entry.score, paper: paper)
                if options.snippets && options.records { hit.snippet = Snippet.make(for: paper, plan: plan, index: index, scratch: &scratch) }
                if options.explain { hit.explanation = explain(entry.document, plan: plan) }
                hits.append(hit)
            }
            return SearchResults(hits: hits, totalHits: total, totalIsExact: exact, facets: facets, notice: plan.notice, query: query)
        } catch {
            throw .index(error)
        }
    }

    /// The top entries of a plan, the number of matches and whether that number is exact.
    func run(_ plan: SearchPlan, capacity: Int, exhaustive: Bool) throws(IndexError) -> ([TopK.Entry], Int, Bool) {
        var topK = TopK(capacity: capacity)
        let context = ScoringContext(index: index, parameters: parameters, scorer: scorer)
        var total = 0
        var exact = true
        // Cursors are made where they are used: a copy of a cursor shares its decoded block, and the first
        // decode after the copy would have to copy the block.
        var cursors: [PostingsCursor] = []
        var matchers: [Matcher] = []

        // The boolean structure matched document by document.
        func general() -> Int {
            let root = matcher(plan.root, plan: plan)
            matchers.append(root)
            cursors = plan.terms.map { index.cursor($0.info) }
            return Exhaustive.run(terms: plan.terms, scoring: plan.scoringTerms, cursors: &cursors, context: context,
                                  root: root, topK: &topK)
        }

        switch (exhaustive ? .general : plan.shape) {
        case .empty:
            break
        case let .disjunction(termList, filterNodes, exclusionNodes):
            let chosen = Array(Set(termList)).sorted()
            var own = chosen.map { index.cursor(plan.terms[$0].info) }
            let exclusions = exclusionNodes.map { matcher($0, plan: plan) }
            var filter = CandidateFilter()
            for node in filterNodes {
                if case let .years(range) = node { filter.years.append(range) } else { filter.matchers.append(matcher(node, plan: plan)) }
            }
            matchers += exclusions + filter.matchers
            let bounds = chosen.map { context.upperBound(plan.terms[$0]) }
            total = RankedOr.run(terms: chosen.map { plan.terms[$0] }, cursors: &own, bounds: bounds, context: context,
                                 exclusions: exclusions, filter: filter, topK: &topK)
            if let damage = own.lazy.compactMap(\.damage).first { throw IndexError.corrupt(file: index.postings.path, reason: damage) }
            if filter.isEmpty, chosen.count == 1, exclusions.isEmpty,
               plan.terms[chosen[0]].field == .text || plan.terms[chosen[0]].namespace != .text {
                total = plan.terms[chosen[0]].info.documentFrequency
            } else {
                exact = false
            }
        case let .conjunction(required, optional, filterNodes, exclusionNodes):
            let filters = filterNodes.map { matcher($0, plan: plan) }
            let exclusions = exclusionNodes.map { matcher($0, plan: plan) }
            matchers += filters + exclusions
            let optionalTerms = Array(Set(optional).subtracting(required)).sorted()
            cursors = plan.terms.map { index.cursor($0.info) }
            total = RankedAnd.run(terms: plan.terms, required: Array(Set(required)).sorted(), optional: optionalTerms,
                                  cursors: &cursors, context: context, filters: filters, exclusions: exclusions, topK: &topK)
        case .general:
            total = general()
        }
        if let damage = cursors.lazy.compactMap(\.damage).first ?? matchers.lazy.compactMap(\.damage).first {
            throw IndexError.corrupt(file: index.postings.path, reason: damage)
        }
        return (topK.sorted(), total, exact)
    }

    /// Every document the plan matches, ascending: the same documents the ranked paths match, found through
    /// the matchers without scoring (a single term walks its postings a block at a time).
    func matches(_ plan: SearchPlan) throws(IndexError) -> [UInt32] {
        var documents: [UInt32] = []
        switch plan.root {
        case .nothing:
            return []
        case _ where SearchPlan.unionOfTerms(plan.root, terms: plan.terms) != nil:
            // Any of several terms, less any of others: each list sets (or clears) its documents' bits, then the
            // bits are read in order (a matcher tree would cost a dynamic call per document and term).
            guard let (included, excluded) = SearchPlan.unionOfTerms(plan.root, terms: plan.terms) else { return [] }
            var bits = [UInt64](repeating: 0, count: (index.documentCount + 63) / 64)
            for (terms, set) in [(included, true), (excluded, false)] {
                for term in terms {
                    var cursor = index.cursor(plan.terms[term].info)
                    cursor.forEachDocument(below: PostingsCursor.exhausted) { document, _, _ in
                        let word = Int(document >> 6)
                        guard word < bits.count else { return }
                        if set { bits[word] |= 1 << UInt64(document & 63) } else { bits[word] &= ~(1 << UInt64(document & 63)) }
                    }
                    if let damage = cursor.damage { throw .corrupt(file: index.postings.path, reason: damage) }
                }
            }
            for (word, value) in bits.enumerated() where value != 0 {
                var remaining = value
                while remaining != 0 {
                    documents.append(UInt32(word * 64 + remaining.trailingZeroBitCount))
                    remaining &= remaining &- 1
                }
            }
        case let .term(term) where plan.terms[term].field == .text || plan.terms[term].namespace != .text:
            var cursor = index.cursor(plan.terms[term].info)
            documents.reserveCapacity(cursor.documentFrequency)
            cursor.forEachDocument(below: PostingsCursor.exhausted) { document, _, _ in documents.append(document) }
            if let damage = cursor.damage { throw .corrupt(file: index.postings.path, reason: damage) }
        default:
            let root = matcher(plan.root, plan: plan)
            while root.document != PostingsCursor.exhausted {
                documents.append(root.document)
                root.next()
            }
            if let damage = root.damage { throw .corrupt(file: index.postings.path, reason: damage) }
        }
        return documents
    }

    /// The first `capacity` matches by date (newest or oldest first; papers without a date or year last, ties
    /// by document number), scored by relevance for show.
    private func byDate(_ matches: [UInt32], plan: SearchPlan, capacity: Int, newest: Bool) throws(IndexError) -> [TopK.Entry] {
        var topK = TopK(capacity: capacity)
        for document in matches {
            let date = index.values.date(document)
            let key = date == 0 ? -Double.greatestFiniteMagnitude : (newest ? Double(date) : -Double(date))
            topK.insert(document, score: key)
        }
        let chosen = topK.sorted().map(\.document)
        let scores = try relevance(chosen.sorted(), plan: plan)
        return chosen.map { TopK.Entry(score: scores[$0] ?? 0, document: $0) }
    }

    /// The relevance scores of documents (ascending, distinct): the sum of the scoring terms' contributions,
    /// as every path computes them.
    private func relevance(_ documents: [UInt32], plan: SearchPlan) throws(IndexError) -> [UInt32: Double] {
        let context = ScoringContext(index: index, parameters: parameters, scorer: scorer)
        var scores: [UInt32: Double] = [:]
        for termIndex in plan.scoringTerms {
            let term = TermWeight(plan.terms[termIndex])
            var cursor = index.cursor(plan.terms[termIndex].info)
            for document in documents {
                cursor.advance(to: document)
                if cursor.document == document, let contribution = context.contribution(&cursor, term) {
                    scores[document, default: 0] += contribution
                }
            }
            if let damage = cursor.damage { throw .corrupt(file: index.postings.path, reason: damage) }
        }
        return scores
    }

    /// The exact scores of `documents` (ascending, distinct) under a disjunction of the plan's text terms: the
    /// same numbers `run` computes for them.
    func rescore(_ documents: [UInt32], plan: SearchPlan) throws(IndexError) -> [Double] {
        let context = ScoringContext(index: index, parameters: parameters, scorer: scorer)
        let terms = plan.terms.map(TermWeight.init)
        var cursors = plan.terms.map { index.cursor($0.info) }
        var scores: [Double] = []
        scores.reserveCapacity(documents.count)
        for document in documents {
            var score = 0.0
            for term in terms.indices {
                cursors[term].advance(to: document)
                if cursors[term].document == document, let contribution = context.contribution(&cursors[term], terms[term]) {
                    score += contribution
                }
            }
            scores.append(score)
        }
        if let damage = cursors.lazy.compactMap(\.damage).first { throw IndexError.corrupt(file: index.postings.path, reason: damage) }
        return scores
    }

    /// A matcher for a plan node.
    func matcher(_ node: PlanNode, plan: SearchPlan) -> Matcher {
        switch node {
        case let .term(termIndex):
            return TermMatcher(cursor: index.cursor(plan.terms[termIndex].info), field: plan.terms[termIndex].field)
        case let .anyOf(children):
            return UnionMatcher(children.map { matcher($0, plan: plan) })
        case let .phrase(groups, field):
            let matchers = groups.map { group in
                (offset: group.offset, terms: group.terms.map { TermMatcher(cursor: index.cursor(plan.terms[$0].info), field: plan.terms[$0].field) })
            }
            return PhraseMatcher(groups: matchers, field: field, positions: index.positions, positionsEnd: index.positionsEnd)
        case let .author(parts):
            let matchers = parts.map { part in part.map { TermMatcher(cursor: index.cursor(plan.terms[$0].info), field: .author) } }
            return AuthorNameMatcher(parts: matchers, positions: index.positions, positionsEnd: index.positionsEnd)
        case let .years(range):
            return YearMatcher(norms: index.norms, range: range)
        case let .boolean(must, should, mustNot):
            var base: Matcher
            let anyShould = { () -> Matcher in
                should.count == 1 ? self.matcher(should[0], plan: plan) : UnionMatcher(should.map { self.matcher($0, plan: plan) })
            }
            if must.isEmpty {
                base = anyShould()
            } else if !should.isEmpty && must.allSatisfy({ $0.onlyFilters(plan.terms) }) {
                // Required filters leave the other clauses required as a group (see `PlanBuilder`).
                base = IntersectionMatcher(must.map { matcher($0, plan: plan) } + [anyShould()])
            } else {
                base = must.count == 1 ? matcher(must[0], plan: plan) : IntersectionMatcher(must.map { matcher($0, plan: plan) })
            }
            if !mustNot.isEmpty { base = ExclusionMatcher(include: base, exclude: mustNot.map { matcher($0, plan: plan) }) }
            return base
        case .nothing:
            return EmptyMatcher()
        }
    }

    /// Each scoring term's part of a document's score.
    func explain(_ document: UInt32, plan: SearchPlan) -> Explanation {
        let context = ScoringContext(index: index, parameters: parameters, scorer: scorer)
        var terms: [Explanation.Term] = []
        for termIndex in plan.scoringTerms {
            let term = plan.terms[termIndex]
            var cursor = index.cursor(term.info)
            cursor.advance(to: document)
            guard cursor.document == document,
                  let saturation = context.saturation(cursor.document, cursor.titleFrequency, cursor.abstractFrequency, TermWeight(term)) else { continue }
            terms.append(Explanation.Term(
                term: term.display, idf: term.weight,
                titleFrequency: term.field == .abstract ? 0 : Int(cursor.titleFrequency),
                abstractFrequency: term.field == .title ? 0 : Int(cursor.abstractFrequency),
                saturation: saturation, score: BM25.quantized(term.weight * saturation)))
        }
        return Explanation(
            terms: terms, titleLength: Int(index.norms.titleLength(document)),
            abstractLength: Int(index.norms.abstractLength(document)), parameters: parameters,
            statistics: index.statistics)
    }
}

/// Why a document scored what it did: BM25F term by term.
public struct Explanation: Sendable {
    public struct Term: Sendable {
        public var term: String
        public var idf: Double
        public var titleFrequency: Int
        public var abstractFrequency: Int
        /// tf' / (k1 + tf'), see `BM25`.
        public var saturation: Double
        /// idf × saturation, rounded to a multiple of `BM25.scoreQuantum` as in every score.
        public var score: Double
    }

    public var terms: [Term]
    public var titleLength: Int
    public var abstractLength: Int
    public var parameters: BM25Parameters
    public var statistics: BM25.Statistics
    public var total: Double { terms.reduce(0) { $0 + $1.score } }
}
