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
    /// "Did you mean": when few papers match, or a word no paper holds was searched as its near spellings,
    /// the query with its rare words that look misspelt replaced by the spelling far more papers use (only
    /// for query text, and with `SearchOptions.corrections`). When none matched as written, the results are
    /// the suggestion's, and a notice says so.
    public var suggestion: String?
    public var query: Query
    /// Whether a word no paper holds was searched as its near spellings (then a suggestion is looked for
    /// however many papers matched).
    var corrected = false
    /// The near terms the corrections found, by word (`SearchPlan.nearTermsOfWords`).
    var nearTermsOfWords: [String: [([UInt8], IndexedTerm, Int)]] = [:]
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
    /// How many matches of an AND or a phrase are counted exactly before pruning may skip the rest (then
    /// `totalHits` is a lower bound): Lucene's default, 1,000. 0 prunes from the first full page, as
    /// engines that do not count.
    public var countLimit = SearchOptions.defaultCountLimit
    public static let defaultCountLimit = 1_000
    public var snippets = true
    public var explain = false
    /// Read each hit's stored record; when false, hits carry only the paper id (fast, for runs and benchmarks).
    public var records = true
    /// Score every matching document instead of pruning (slower; the same results).
    public var exhaustive = false
    /// Search a word of four letters or more that no paper holds (in text or authors) as its nearest
    /// spellings (`Query.fuzzy` with the automatic edits), saying so in `SearchResults.notices`; false: words
    /// as written only (`papers search --exact`).
    public var corrections = true
    /// Search a word that papers define as an acronym also as its long form, and a long form also as its
    /// acronym (`PlanBuilder.acronymExpansions`), saying so in `SearchResults.notices`; a word written `=BNN`
    /// is searched alone either way.
    public var acronyms = true

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
///
/// A query runs segment by segment, each with the commit's statistics, into one top k: the threshold the
/// first segments reach prunes the later ones.
public struct Searcher: Sendable {
    public let index: SearchIndex
    public let parameters: BM25Parameters
    /// BM25F's constants and tables for `parameters` and the commit's statistics, made once.
    let scorer: BM25.Scorer

    /// `parameters` default to those the index was built with.
    public init(index: SearchIndex, parameters: BM25Parameters? = nil) throws(SearchError) {
        let parameters = parameters ?? index.parameters
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
        results.notices = notices + results.notices
        if options.corrections && (results.totalHits < Suggestion.fewHits || results.corrected) {
            do {
                results.suggestion = try Suggestion.make(for: text, index: index, parameters: parameters, known: results.nearTermsOfWords)
            } catch { throw .index(error) }
            // Nothing matches as written: the suggestion's results, said so.
            if results.totalHits == 0, let suggestion = results.suggestion {
                var suggestionNotices: [String] = []
                let suggested: Query
                do { suggested = try QueryParser.parse(suggestion, notices: &suggestionNotices) } catch { throw .query(error) }
                var instead = try search(suggested, options: options)
                instead.notices = ["no paper matches '\(text)'; these are the results for '\(suggestion)'"] + instead.notices
                instead.suggestion = suggestion
                return instead
            }
        }
        return results
    }

    /// Searches with a built query.
    public func search(_ query: Query, options: SearchOptions = SearchOptions()) throws(SearchError) -> SearchResults {
        let plan: SearchPlan
        do {
            plan = try PlanBuilder.build(query, index: index, parameters: parameters, correcting: options.corrections,
                                         expandingAcronyms: options.acronyms)
        } catch {
            switch error {
            case let .query(problem): throw .query(problem)
            case let .index(damage): throw .index(damage)
            }
        }
        do {
            // At least `Suggestion.fewHits` entries, so that a count of matches that pruning left as a lower
            // bound is below it only when fewer papers match (and "did you mean" is looked for only then).
            let capacity = max(Suggestion.fewHits, max(0, options.offset) + max(0, options.limit))
            var (entries, total, exact) = options.sort == .relevance
                ? try run(plan, capacity: capacity, exhaustive: options.exhaustive, countLimit: options.countLimit) : ([], 0, true)
            var facets: [Facet] = []
            // Date order, facets and exact counts visit every match, without scoring it.
            if options.sort != .relevance || !options.facets.isEmpty || (options.exactCount && !exact) {
                let matches = try self.matches(plan)
                total = matches.reduce(0) { $0 + $1.count }
                exact = true
                if options.sort != .relevance { entries = try byDate(matches, plan: plan, capacity: capacity, newest: options.sort == .newest) }
                if !options.facets.isEmpty {
                    facets = try FacetCounting.count(options.facets, over: matches, index: index, limit: options.facetLimit)
                }
            }
            let page = entries.dropFirst(max(0, options.offset)).prefix(max(0, options.limit))
            var hits: [Hit] = []
            for entry in page {
                let paper = options.records ? try index.paper(at: Int(entry.document))
                                            : Paper(id: try index.id(at: Int(entry.document)), title: "", abstract: "")
                var hit = Hit(document: Int(entry.document), score: entry.score, paper: paper)
                if options.explain { hit.explanation = explain(entry.document, plan: plan) }
                hits.append(hit)
            }
            if options.snippets && options.records { try Snippet.add(to: &hits, plan: plan, index: index) }
            return SearchResults(hits: hits, totalHits: total, totalIsExact: exact, facets: facets, notice: plan.notice,
                                 notices: plan.notices, query: query, corrected: plan.corrected,
                                 nearTermsOfWords: plan.nearTermsOfWords)
        } catch {
            throw .index(error)
        }
    }

    /// Scoring in segment `s`.
    func context(_ s: Int) -> ScoringContext {
        ScoringContext(segment: index.segments[s], index: index, parameters: parameters, scorer: scorer)
    }

    /// A cursor over a plan term's postings in segment `s` (empty where the segment lacks the term).
    func cursor(_ term: PlanTerm, _ s: Int) -> PostingsCursor {
        index.segments[s].segment.cursor(term.indexed.infos[s])
    }

    /// The top entries of a plan, the number of matches and whether that number is exact.
    /// `countLimit`: matches a conjunction counts exactly before it may prune (`SearchOptions.countLimit`).
    func run(_ plan: SearchPlan, capacity: Int, exhaustive: Bool,
             countLimit: Int = SearchOptions.defaultCountLimit) throws(IndexError) -> ([TopK.Entry], Int, Bool) {
        var topK = TopK(capacity: capacity)
        var total = 0
        var exact = true
        let shape = SegmentShape(exhaustive ? .general : plan.shape)
        if case let .disjunction(terms, filters, exclusions) = shape, terms.count == 1, exclusions.isEmpty,
           let years = SegmentShape.yearRanges(filters) {
            total = try runSingleTerm(plan.terms[terms[0]], years: years, topK: &topK)
        } else {
            for s in index.segments.indices where !shape.cannotMatch(plan, segment: s) {
                topK.documentBase = index.segments[s].base
                let (count, segmentExact) = try run(plan, shape, segment: s, countLimit: max(0, countLimit - total), topK: &topK)
                total += count
                exact = exact && segmentExact
            }
        }
        // A ranked OR counts only the papers it had to look at (pruning skips the rest).
        switch shape {
        case .disjunction, .disjunctionOfForms: exact = false
        default: break
        }
        // One term alone: its live papers are its matches.
        if case let .disjunction(terms, filters, exclusions) = shape, filters.isEmpty, exclusions.isEmpty,
           terms.count == 1, plan.terms[terms[0]].field == .text || plan.terms[terms[0]].namespace != .text {
            total = plan.terms[terms[0]].indexed.documentFrequency
            exact = true
        }
        return (topK.sorted(), total, exact)
    }

    /// A plan's shape with its term lists made once for all segments.
    private enum SegmentShape {
        case empty
        /// The distinct terms, ascending.
        case disjunction(terms: [Int], filters: [PlanNode], exclusions: [PlanNode])
        /// The sums of forms (see `SearchPlan.Shape.disjunctionOfForms`).
        case disjunctionOfForms(combinations: [[Int]])
        /// The distinct required clauses (each its distinct terms, ascending) and the distinct optional terms
        /// that are in none of them, ascending.
        case conjunction(required: [[Int]], optional: [Int], filters: [PlanNode], exclusions: [PlanNode], phrases: [SearchPlan.PhraseCheck])
        case general

        init(_ shape: SearchPlan.Shape) {
            switch shape {
            case .empty: self = .empty
            case .general: self = .general
            case let .disjunctionOfForms(combinations): self = .disjunctionOfForms(combinations: combinations)
            case let .disjunction(terms, filters, exclusions):
                self = .disjunction(terms: SegmentShape.distinctSorted(terms), filters: filters, exclusions: exclusions)
            case let .conjunction(required, optional, filters, exclusions, phrases):
                var clauses = required.map(SegmentShape.distinctSorted).sorted { $0.lexicographicallyPrecedes($1) }
                clauses.removeNeighbouringRepeats()
                let inClauses = required.joined()
                self = .conjunction(required: clauses, optional: SegmentShape.distinctSorted(optional).filter { !inClauses.contains($0) },
                                    filters: filters, exclusions: exclusions, phrases: phrases)
            }
        }

        /// `values` without repeats, ascending (a query's few term numbers: sorting beats hashing them into a set).
        static func distinctSorted(_ values: [Int]) -> [Int] {
            var sorted = values.sorted()
            sorted.removeNeighbouringRepeats()
            return sorted
        }

        /// The year ranges, if every filter is one.
        static func yearRanges(_ filters: [PlanNode]) -> [ClosedRange<Int>]? {
            var years: [ClosedRange<Int>] = []
            for node in filters {
                guard case let .years(range) = node else { return nil }
                years.append(range)
            }
            return years
        }

        /// Whether segment `s` lacks every term of a disjunction or some required term of a conjunction, so
        /// no paper of it can match (most segments, for a rare word: they are skipped without any set-up).
        func cannotMatch(_ plan: SearchPlan, segment s: Int) -> Bool {
            switch self {
            case .empty: return true
            case .general: return false
            case let .disjunction(terms, _, _):
                return !terms.isEmpty && terms.allSatisfy { plan.terms[$0].indexed.infos[s] == nil }
            case let .disjunctionOfForms(combinations):
                return combinations.allSatisfy { $0.allSatisfy { plan.terms[$0].indexed.infos[s] == nil } }
            case let .conjunction(required, _, _, _, _):
                return required.contains { clause in clause.allSatisfy { plan.terms[$0].indexed.infos[s] == nil } }
            }
        }
    }

    /// One term, perhaps with year ranges: the best blocks of every segment first
    /// (`RankedOr.singleByBlockMaximum`); returns the papers scored.
    private func runSingleTerm(_ term: PlanTerm, years: [ClosedRange<Int>], topK: inout TopK) throws(IndexError) -> Int {
        var cursors: [PostingsCursor] = [], contexts: [ScoringContext] = [], bases: [UInt32] = [], bounds: [Double] = []
        var numbers: [Int] = []
        for s in index.segments.indices where term.indexed.infos[s] != nil {
            let context = self.context(s)
            cursors.append(cursor(term, s))
            contexts.append(context)
            bases.append(index.segments[s].base)
            bounds.append(context.upperBound(term, term.indexed.infos[s]))
            numbers.append(s)
        }
        let scored = RankedOr.singleByBlockMaximum(TermWeight(term), cursors: &cursors, contexts: contexts, bases: bases,
                                                   listBounds: bounds, years: years, topK: &topK)
        for (part, s) in numbers.enumerated() {
            if let damage = cursors[part].damage {
                throw .corrupt(file: index.segments[s].segment.postings.path, reason: damage)
            }
        }
        return scored
    }

    /// One segment's part of `run`: its matches offered to the shared top k (whose document base is the
    /// segment's); returns the matches counted and whether that count is exact (a conjunction counts
    /// `countLimit` exactly before it prunes).
    private func run(_ plan: SearchPlan, _ shape: SegmentShape, segment s: Int, countLimit: Int,
                     topK: inout TopK) throws(IndexError) -> (Int, Bool) {
        let context = self.context(s)
        let file = index.segments[s].segment.postings.path
        var total = 0
        var exact = true
        // Cursors are made where they are used: a copy of a cursor shares its decoded block, and the first
        // decode after the copy would have to copy the block.
        var cursors: [PostingsCursor] = []
        var matchers: [Matcher] = []

        switch shape {
        case .empty:
            break
        case let .disjunction(chosen, filterNodes, exclusionNodes):
            var own = chosen.map { cursor(plan.terms[$0], s) }
            let exclusions = exclusionNodes.map { matcher($0, plan: plan, segment: s) }
            var filter = CandidateFilter(checksDeletions: !context.deletions.isEmpty)
            for node in filterNodes {
                if case let .years(range) = node { filter.years.append(range) } else { filter.matchers.append(matcher(node, plan: plan, segment: s)) }
            }
            matchers += exclusions + filter.matchers
            let bounds = chosen.map { context.upperBound(plan.terms[$0], plan.terms[$0].indexed.infos[s]) }
            total = RankedOr.run(terms: chosen.map { plan.terms[$0] }, cursors: &own, bounds: bounds, context: context,
                                 exclusions: exclusions, filter: filter, topK: &topK)
            if let damage = own.lazy.compactMap(\.damage).first { throw IndexError.corrupt(file: file, reason: damage) }
        case let .disjunctionOfForms(combinations):
            // The best papers by the largest sum are among the best of each sum (a paper in the top k by its
            // score is in the top k of the sum that gives it, or k papers would beat it there and so in
            // score): each sum is ranked, pruned, over the papers the root matches; the papers found are
            // scored with their best forms.
            var found = Set<UInt32>()
            for chosen in combinations {
                var own = chosen.map { cursor(plan.terms[$0], s) }
                let root = matcher(plan.root, plan: plan, segment: s)
                matchers.append(root)
                var filter = CandidateFilter(checksDeletions: !context.deletions.isEmpty)
                filter.lateMatchers = [root]
                let bounds = chosen.map { context.upperBound(plan.terms[$0], plan.terms[$0].indexed.infos[s]) }
                var best = TopK(capacity: topK.capacity)
                _ = RankedOr.run(terms: chosen.map { plan.terms[$0] }, cursors: &own, bounds: bounds, context: context,
                                 exclusions: [], filter: filter, topK: &best)
                if let damage = own.lazy.compactMap(\.damage).first { throw IndexError.corrupt(file: file, reason: damage) }
                for entry in best.sorted() { found.insert(entry.document) }
            }
            let scorer = PlanScorer(plan: plan, context: context)
            cursors = plan.terms.map { cursor($0, s) }
            for document in found.sorted() { topK.insert(document, score: scorer.score(document, cursors: &cursors)) }
            // The papers found match; how many others do, the pruning did not count.
            total = found.count
        case let .conjunction(required, optionalTerms, filterNodes, exclusionNodes, phrases):
            let filters = filterNodes.map { matcher($0, plan: plan, segment: s) }
            let exclusions = exclusionNodes.map { matcher($0, plan: plan, segment: s) }
            matchers += filters + exclusions
            cursors = plan.terms.map { cursor($0, s) }
            let bounds = plan.terms.map { context.upperBound($0, $0.indexed.infos[s]) }
            (total, exact) = RankedAnd.run(terms: plan.terms, required: required, optional: optionalTerms, listBounds: bounds,
                                           phrases: phrases, cursors: &cursors,
                                           context: context, filters: filters, exclusions: exclusions, countLimit: countLimit,
                                           topK: &topK)
        case .general:
            // The boolean structure matched document by document.
            let root = matcher(plan.root, plan: plan, segment: s)
            matchers.append(root)
            cursors = plan.terms.map { cursor($0, s) }
            total = Exhaustive.run(scorer: PlanScorer(plan: plan, context: context), cursors: &cursors, root: root, topK: &topK)
        }
        if let damage = cursors.lazy.compactMap(\.damage).first ?? matchers.lazy.compactMap(\.damage).first {
            throw IndexError.corrupt(file: file, reason: damage)
        }
        return (total, exact)
    }

    /// Every live document the plan matches, per segment, ascending (segment document numbers): the same
    /// documents the ranked paths match, found through the matchers without scoring (a single term walks its
    /// postings a block at a time).
    func matches(_ plan: SearchPlan) throws(IndexError) -> [[UInt32]] {
        var result: [[UInt32]] = []
        for s in index.segments.indices { result.append(try matches(plan, segment: s)) }
        return result
    }

    private func matches(_ plan: SearchPlan, segment s: Int) throws(IndexError) -> [UInt32] {
        let live = index.segments[s]
        let file = live.segment.postings.path
        var documents: [UInt32] = []
        switch plan.root {
        case .nothing:
            return []
        case _ where SearchPlan.unionOfTerms(plan.root, terms: plan.terms) != nil:
            // Any of several terms, less any of others: each list sets (or clears) its documents' bits, then the
            // bits are read in order (a matcher tree would cost a dynamic call per document and term).
            guard let (included, excluded) = SearchPlan.unionOfTerms(plan.root, terms: plan.terms) else { return [] }
            var bits = [UInt64](repeating: 0, count: (live.segment.documentCount + 63) / 64)
            for (terms, set) in [(included, true), (excluded, false)] {
                for term in terms {
                    var cursor = self.cursor(plan.terms[term], s)
                    cursor.forEachDocument(below: PostingsCursor.exhausted) { document, _, _ in
                        let word = Int(document >> 6)
                        guard word < bits.count else { return }
                        if set { bits[word] |= 1 << UInt64(document & 63) } else { bits[word] &= ~(1 << UInt64(document & 63)) }
                    }
                    if let damage = cursor.damage { throw .corrupt(file: file, reason: damage) }
                }
            }
            for (word, deleted) in live.deletions.bits.enumerated() where word < bits.count { bits[word] &= ~deleted }
            for (word, value) in bits.enumerated() where value != 0 {
                var remaining = value
                while remaining != 0 {
                    documents.append(UInt32(word * 64 + remaining.trailingZeroBitCount))
                    remaining &= remaining &- 1
                }
            }
        case let .term(term) where plan.terms[term].field == .text || plan.terms[term].namespace != .text:
            var cursor = self.cursor(plan.terms[term], s)
            documents.reserveCapacity(cursor.documentFrequency)
            let deletions = live.deletions
            cursor.forEachDocument(below: PostingsCursor.exhausted) { document, _, _ in
                if !deletions.contains(document) { documents.append(document) }
            }
            if let damage = cursor.damage { throw .corrupt(file: file, reason: damage) }
        default:
            let root = matcher(plan.root, plan: plan, segment: s)
            while root.document != PostingsCursor.exhausted {
                if !live.deletions.contains(root.document) { documents.append(root.document) }
                root.next()
            }
            if let damage = root.damage { throw .corrupt(file: file, reason: damage) }
        }
        return documents
    }

    /// The first `capacity` matches by date (newest or oldest first; papers without a date or year last, ties
    /// by document number), scored by relevance for show.
    private func byDate(_ matches: [[UInt32]], plan: SearchPlan, capacity: Int, newest: Bool) throws(IndexError) -> [TopK.Entry] {
        var topK = TopK(capacity: capacity)
        for (s, documents) in matches.enumerated() {
            let values = index.segments[s].segment.values
            topK.documentBase = index.segments[s].base
            for document in documents {
                let date = values.date(document)
                let key = date == 0 ? -Double.greatestFiniteMagnitude : (newest ? Double(date) : -Double(date))
                topK.insert(document, score: key)
            }
        }
        let chosen = topK.sorted().map(\.document)
        let scores = try relevance(chosen.sorted(), plan: plan)
        return chosen.map { TopK.Entry(score: scores[$0] ?? 0, document: $0) }
    }

    /// Calls `body` with each segment that holds some of `documents` (ascending commit numbers) and those
    /// documents as the segment numbers them.
    private func bySegment(_ documents: [UInt32], _ body: (Int, [UInt32]) throws(IndexError) -> Void) throws(IndexError) {
        var start = 0
        for s in index.segments.indices {
            let base = index.segments[s].base
            let end = base &+ UInt32(index.segments[s].segment.documentCount)
            var stop = start
            while stop < documents.count && documents[stop] < end { stop += 1 }
            if stop > start { try body(s, documents[start..<stop].map { $0 - base }) }
            start = stop
        }
    }

    /// The relevance scores of documents (ascending, distinct), as every path computes them (`PlanScorer`).
    private func relevance(_ documents: [UInt32], plan: SearchPlan) throws(IndexError) -> [UInt32: Double] {
        var scores: [UInt32: Double] = [:]
        try bySegment(documents) { (s, local) throws(IndexError) in
            let context = self.context(s)
            let base = index.segments[s].base
            let scorer = PlanScorer(plan: plan, context: context)
            var cursors = plan.terms.map { cursor($0, s) }
            for document in local { scores[base + document] = scorer.score(document, cursors: &cursors) }
            if let damage = cursors.lazy.compactMap(\.damage).first {
                throw .corrupt(file: index.segments[s].segment.postings.path, reason: damage)
            }
        }
        return scores
    }

    /// The exact scores of `documents` (ascending, distinct) under a disjunction of the plan's text terms: the
    /// same numbers `run` computes for them.
    func rescore(_ documents: [UInt32], plan: SearchPlan) throws(IndexError) -> [Double] {
        let terms = plan.terms.map(TermWeight.init)
        var scores: [Double] = []
        scores.reserveCapacity(documents.count)
        try bySegment(documents) { (s, local) throws(IndexError) in
            let context = self.context(s)
            var cursors = plan.terms.map { cursor($0, s) }
            for document in local {
                var score = 0.0
                for term in terms.indices {
                    cursors[term].advance(to: document)
                    if cursors[term].document == document, let contribution = context.contribution(&cursors[term], terms[term]) {
                        score += contribution
                    }
                }
                scores.append(score)
            }
            if let damage = cursors.lazy.compactMap(\.damage).first {
                throw IndexError.corrupt(file: index.segments[s].segment.postings.path, reason: damage)
            }
        }
        return scores
    }

    /// A union of plan nodes in segment `s`: phrases among them are moved by the union alone (two phases).
    private func union(_ children: [PlanNode], plan: SearchPlan, segment s: Int) -> Matcher {
        UnionMatcher(children.map { child in
            if case let .phrase(groups, field) = child { return phraseMatcher(groups, field: field, plan: plan, segment: s, aligning: false) }
            return matcher(child, plan: plan, segment: s)
        })
    }

    private func phraseMatcher(_ groups: [(offset: Int, terms: [Int])], field: QueryField, plan: SearchPlan, segment s: Int,
                               aligning: Bool) -> PhraseMatcher {
        let cursors = groups.map { group in (offset: group.offset, cursors: group.terms.map { cursor(plan.terms[$0], s) }) }
        return PhraseMatcher(groups: cursors, field: field, aligning: aligning)
    }

    /// A matcher for a plan node in segment `s`.
    func matcher(_ node: PlanNode, plan: SearchPlan, segment s: Int) -> Matcher {
        let segment = index.segments[s].segment
        switch node {
        case let .term(termIndex):
            return TermMatcher(cursor: cursor(plan.terms[termIndex], s), field: plan.terms[termIndex].field)
        case let .anyOf(children):
            return union(children, plan: plan, segment: s)
        case let .phrase(groups, field):
            return phraseMatcher(groups, field: field, plan: plan, segment: s, aligning: true)
        case let .author(parts):
            let matchers = parts.map { part in part.map { TermMatcher(cursor: cursor(plan.terms[$0], s), field: .author) } }
            return AuthorNameMatcher(parts: matchers)
        case let .years(range):
            return YearMatcher(norms: segment.norms, range: range)
        case let .boolean(must, should, mustNot):
            var base: Matcher
            let anyShould = { () -> Matcher in
                should.count == 1 ? self.matcher(should[0], plan: plan, segment: s) : self.union(should, plan: plan, segment: s)
            }
            if must.isEmpty {
                base = anyShould()
            } else if !should.isEmpty && must.allSatisfy({ $0.onlyFilters(plan.terms) }) {
                // Required filters leave the other clauses required as a group (see `PlanBuilder`).
                base = IntersectionMatcher(must.map { matcher($0, plan: plan, segment: s) } + [anyShould()])
            } else {
                base = must.count == 1 ? matcher(must[0], plan: plan, segment: s)
                                       : IntersectionMatcher(must.map { matcher($0, plan: plan, segment: s) })
            }
            if !mustNot.isEmpty { base = ExclusionMatcher(include: base, exclude: mustNot.map { matcher($0, plan: plan, segment: s) }) }
            return base
        case .nothing:
            return EmptyMatcher()
        }
    }

    /// Each scoring term's part of a document's score.
    func explain(_ document: UInt32, plan: SearchPlan) -> Explanation {
        var terms: [Explanation.Term] = []
        var lengths: (title: UInt32, abstract: UInt32) = (0, 0)
        if let (s, local) = index.locate(Int(document)) {
            let context = self.context(s)
            lengths = index.segments[s].segment.norms.lengths(local)
            var found: [Int: Explanation.Term] = [:]
            for termIndex in plan.scoringTerms {
                let term = plan.terms[termIndex]
                var cursor = self.cursor(term, s)
                cursor.advance(to: local)
                guard cursor.document == local,
                      let saturation = context.saturation(cursor.document, cursor.titleFrequency, cursor.abstractFrequency, TermWeight(term)) else { continue }
                let counted = ScoringContext.inField(term.field, cursor.titleFrequency, cursor.abstractFrequency)
                found[termIndex] = Explanation.Term(
                    term: term.display, idf: term.weight,
                    titleFrequency: Int(counted.title), abstractFrequency: Int(counted.abstract),
                    saturation: saturation, score: BM25.quantized(term.weight * saturation))
            }
            // Of a group of alternatives only the best form counts; the others are shown scoring nothing.
            for group in plan.alternatives {
                let sums = group.map { form in form.reduce(0.0) { $0 + (found[$1]?.score ?? 0) } }
                guard let best = sums.indices.max(by: { sums[$0] < sums[$1] }) else { continue }
                for (f, form) in group.enumerated() where f != best {
                    for term in form where found[term] != nil {
                        found[term]?.score = 0
                        found[term]?.term += " (not counted: another form scores more)"
                    }
                }
            }
            terms = plan.scoringTerms.compactMap { found[$0] }
        }
        return Explanation(
            terms: terms, titleLength: Int(lengths.title), abstractLength: Int(lengths.abstract), parameters: parameters,
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

extension Array where Element: Equatable {
    /// Removes each element equal to the one before it (in a sorted array: every repeat).
    mutating func removeNeighbouringRepeats() {
        guard count > 1 else { return }
        var kept = 1
        for i in 1..<count where self[i] != self[kept - 1] {
            self[kept] = self[i]
            kept += 1
        }
        removeLast(count - kept)
    }
}
