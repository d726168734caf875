/// A term a query scores with or matches on: resolved in the dictionary, with its weight (idf × boost) and
/// the field it must occur in.
struct PlanTerm {
    var namespace: FieldNamespace
    var bytes: [UInt8]
    var field: QueryField
    var info: TermInfo
    /// idf for text terms; 0 for author and venue terms, which match but do not score.
    var weight: Double
    /// The term as shown by `--explain`.
    var display: String

    var scores: Bool { weight > 0 }
}

/// The boolean structure of a query over resolved terms.
indirect enum PlanNode {
    case term(Int)
    case anyOf([PlanNode])
    case phrase(groups: [(offset: Int, terms: [Int])], field: QueryField)
    case years(ClosedRange<Int>)
    case boolean(must: [PlanNode], should: [PlanNode], mustNot: [PlanNode])
    /// Cannot match (a required word is not in the index).
    case nothing
}

/// A query resolved against an index: its terms, its structure, and which algorithm fits it.
struct SearchPlan {
    var terms: [PlanTerm] = []
    var root: PlanNode = .nothing
    /// Why nothing can match, when that is known before searching (e.g. only stop words).
    var notice: String?

    /// Indices of the terms that add to the score (text terms outside exclusions).
    var scoringTerms: [Int] = []

    enum Shape {
        /// Any of the terms (ranked OR), in papers whose year is in every range (`word +year:>=2020`; no
        /// ranges: any paper), minus exclusions.
        case disjunction(terms: [Int], years: [ClosedRange<Int>], exclusions: [PlanNode])
        /// All of `required` (text terms), any of `optional`, every filter, no exclusion.
        case conjunction(required: [Int], optional: [Int], filters: [PlanNode], exclusions: [PlanNode])
        /// Anything else: the boolean structure is matched document by document.
        case general
        case empty
    }

    var shape: Shape {
        switch root {
        case .nothing: return .empty
        case let .term(index): return .disjunction(terms: [index], years: [], exclusions: [])
        case let .anyOf(children):
            let terms = children.compactMap { if case let .term(index) = $0 { return index } else { return nil } }
            return terms.count == children.count ? .disjunction(terms: terms, years: [], exclusions: []) : .general
        case let .boolean(must, should, mustNot):
            let optional = SearchPlan.flattenTerms(should)
            if must.isEmpty {
                guard let optional, !optional.isEmpty else { return .general }
                return .disjunction(terms: optional, years: [], exclusions: mustNot)
            }
            var required: [Int] = []
            var filters: [PlanNode] = []
            for node in must {
                if case let .term(index) = node, terms[index].namespace == .text, terms[index].field == .text {
                    required.append(index)
                } else {
                    filters.append(node)
                }
            }
            if required.isEmpty, let optional, !optional.isEmpty {
                let years = filters.compactMap { if case let .years(range) = $0 { return range } else { return nil } }
                if years.count == filters.count { return .disjunction(terms: optional, years: years, exclusions: mustNot) }
            }
            guard !required.isEmpty, let optional else { return .general }
            return .conjunction(required: required, optional: optional, filters: filters, exclusions: mustNot)
        default:
            return .general
        }
    }

    /// The term indices of nodes that are terms or unions of terms, or nil if any is something else.
    static func flattenTerms(_ nodes: [PlanNode]) -> [Int]? {
        var result: [Int] = []
        for node in nodes {
            switch node {
            case let .term(index): result.append(index)
            case let .anyOf(children):
                guard let inner = flattenTerms(children) else { return nil }
                result.append(contentsOf: inner)
            default: return nil
            }
        }
        return result
    }
}

/// Turns a `Query` into a `SearchPlan` for one index: analyses the text clauses with the index's analyzer,
/// looks the terms up, expands prefixes, and simplifies the boolean structure (clauses with no searchable
/// words drop out; a required word missing from the index makes the whole conjunction empty).
struct PlanBuilder {
    let index: SearchIndex
    private var plan = SearchPlan()
    private var termIndices: [String: Int] = [:]
    private let keywordAnalyzer = Analyzer(stemmer: .none, stopWords: .none)
    /// Dictionary entries the query's prefixes may still scan, and terms they may still add.
    private var prefixScanBudget = Query.prefixScanLimit
    private var expansionBudget = Query.expansionLimit

    init(index: SearchIndex) { self.index = index }

    /// Why a query cannot be planned: it is too large, or the index is damaged.
    enum Failure: Error {
        case query(QueryError)
        case index(IndexError)
    }

    static func build(_ query: Query, index: SearchIndex) throws(Failure) -> SearchPlan {
        if let depth = query.depthExceeding(Query.maximumDepth) {
            throw .query(QueryError(position: 0, message: "the query nests deeper than \(Query.maximumDepth) levels (found \(depth))", query: ""))
        }
        var builder = PlanBuilder(index: index)
        let root = try builder.node(query, negated: false)
        builder.plan.root = root ?? .nothing
        if root == nil { builder.plan.notice = "the query has no searchable words (only stop words or punctuation)" }
        var scoring = Set<Int>()
        builder.collectScoring(builder.plan.root, negated: false, into: &scoring)
        builder.plan.scoringTerms = scoring.sorted()
        return builder.plan
    }

    private func collectScoring(_ node: PlanNode, negated: Bool, into result: inout Set<Int>) {
        switch node {
        case let .term(index): if !negated && plan.terms[index].scores { result.insert(index) }
        case let .anyOf(children): children.forEach { collectScoring($0, negated: negated, into: &result) }
        case let .phrase(groups, _): groups.flatMap(\.terms).forEach { collectScoring(.term($0), negated: negated, into: &result) }
        case let .boolean(must, should, mustNot):
            (must + should).forEach { collectScoring($0, negated: negated, into: &result) }
            mustNot.forEach { collectScoring($0, negated: true, into: &result) }
        case .years, .nothing: break
        }
    }

    /// The index of a term in the plan, added on first use; nil when the index does not hold it.
    private mutating func term(_ namespace: FieldNamespace, _ bytes: [UInt8], field: QueryField) throws(Failure) -> Int? {
        let key = "\(namespace.rawValue)/\(field.rawValue)/" + String(decoding: bytes, as: UTF8.self)
        if let existing = termIndices[key] { return existing }
        let found: TermInfo?
        do { found = try index.termInfo(namespace, bytes) } catch { throw .index(error) }
        guard let info = found else { return nil }
        let weight = namespace == .text ? BM25.idf(documentFrequency: info.documentFrequency, documentCount: index.documentCount) : 0
        let text = String(decoding: bytes, as: UTF8.self)
        let display = field == .text ? text : "\(field.rawValue):\(text)"
        plan.terms.append(PlanTerm(namespace: namespace, bytes: bytes, field: field, info: info, weight: weight, display: display))
        termIndices[key] = plan.terms.count - 1
        return plan.terms.count - 1
    }

    private static func namespace(of field: QueryField) -> FieldNamespace {
        switch field {
        case .text, .title, .abstract: return .text
        case .author: return .author
        case .venue: return .venue
        }
    }

    /// Analysed tokens (term and position) of `text` for a field.
    private func analyze(_ text: String, field: QueryField) -> [(term: [UInt8], position: Int)] {
        let analyzer = PlanBuilder.namespace(of: field) == .text ? index.analyzer : keywordAnalyzer
        return analyzer.tokens(text).compactMap { token in
            token.indexedTerm.map { (Array($0.utf8), token.position) }
        }
    }

    /// nil: the clause has nothing searchable and drops out.
    private mutating func node(_ query: Query, negated: Bool) throws(Failure) -> PlanNode? {
        switch query {
        case let .words(text, field):
            var alternatives: [PlanNode] = []
            var seen = Set<[UInt8]>()
            var anyToken = false
            if field == .venue {
                // The whole venue or category, as indexed.
                let keyword = Array(TextCleanup.collapsingWhitespace(text).lowercased().utf8)
                if !keyword.isEmpty, let index = try term(.venue, keyword, field: field) {
                    alternatives.append(.term(index))
                    seen.insert(keyword)
                }
                anyToken = !keyword.isEmpty
            }
            for (bytes, _) in analyze(text, field: field) where seen.insert(bytes).inserted {
                anyToken = true
                if let index = try term(PlanBuilder.namespace(of: field), bytes, field: field) { alternatives.append(.term(index)) }
            }
            guard anyToken else { return nil }
            if alternatives.isEmpty { return .nothing }
            return alternatives.count == 1 ? alternatives[0] : .anyOf(alternatives)

        case let .phrase(text, field):
            let analyzer = PlanBuilder.namespace(of: field) == .text ? index.analyzer : keywordAnalyzer
            let spellings = PhraseSpellings(analyzer.tokens(text))
            guard spellings.hasTerms else { return nil }
            var alternatives: [PlanNode] = []
            for sequence in spellings.sequences {
                var groups: [(offset: Int, terms: [Int])] = []
                var possible = true
                for (offset, bytes) in sequence {
                    guard let index = try term(PlanBuilder.namespace(of: field), bytes, field: field) else {
                        possible = false
                        break
                    }
                    groups.append((offset, [index]))
                }
                guard possible, !groups.isEmpty else { continue }
                alternatives.append(groups.count == 1 ? .term(groups[0].terms[0]) : .phrase(groups: groups, field: field))
            }
            if alternatives.isEmpty { return .nothing }
            return alternatives.count == 1 ? alternatives[0] : .anyOf(alternatives)

        case let .prefix(text, field):
            let namespace = PlanBuilder.namespace(of: field)
            let folded = keywordAnalyzer.tokens(text).compactMap(\.indexedTerm).joined()
            guard !folded.isEmpty else { return nil }
            // "quantization*" should find "quantiz" (the stem); use the stem when it is a prefix of the word.
            var prefix = folded
            if namespace == .text {
                let stem = EnglishStemmer.stem(folded)
                if folded.hasPrefix(stem), !stem.isEmpty { prefix = stem }
            }
            // Every term with the prefix is read (within the query's budget), so the most frequent are kept.
            let expansions: [([UInt8], TermInfo)], truncated: Bool
            do {
                (expansions, truncated) = try index.terms.terms(withPrefix: [namespace.rawValue] + Array(prefix.utf8), limit: prefixScanBudget)
            } catch { throw .index(error) }
            prefixScanBudget -= expansions.count
            if truncated {
                throw .query(QueryError(position: 0, message: "'\(text)*' and the query's other prefixes match more than \(Query.prefixScanLimit) words; give more letters", query: ""))
            }
            let kept = expansions.sorted { $0.1.documentFrequency > $1.1.documentFrequency }.prefix(Query.prefixLimit)
            expansionBudget -= kept.count
            if expansionBudget < 0 {
                throw .query(QueryError(position: 0, message: "the query's prefixes add more than \(Query.expansionLimit) words; use fewer or longer prefixes", query: ""))
            }
            var nodes: [PlanNode] = []
            for (bytes, _) in kept.sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
                if let index = try term(namespace, Array(bytes.dropFirst()), field: field) { nodes.append(.term(index)) }
            }
            if nodes.isEmpty { return .nothing }
            return nodes.count == 1 ? nodes[0] : .anyOf(nodes)

        case let .years(range):
            return .years(range)

        case let .boolean(must, should, mustNot):
            var requiredNodes: [PlanNode] = [], optionalNodes: [PlanNode] = [], excludedNodes: [PlanNode] = []
            for clause in must {
                guard let node = try node(clause, negated: negated) else { continue }
                if case .nothing = node { return .nothing }
                requiredNodes.append(node)
            }
            for clause in should {
                guard let node = try node(clause, negated: negated) else { continue }
                if case .nothing = node { continue }
                optionalNodes.append(node)
            }
            for clause in mustNot {
                guard let node = try node(clause, negated: !negated) else { continue }
                if case .nothing = node { continue }
                excludedNodes.append(node)
            }
            let sawSomething = !(must.isEmpty && should.isEmpty) || !mustNot.isEmpty
            if requiredNodes.isEmpty && optionalNodes.isEmpty {
                // Only exclusions (or clauses that cannot match): nothing matches, as in Lucene.
                return sawSomething && (excludedNodes.isEmpty && !hadSearchable(must + should)) ? nil : .nothing
            }
            if excludedNodes.isEmpty && requiredNodes.isEmpty && optionalNodes.count == 1 { return optionalNodes[0] }
            if excludedNodes.isEmpty && optionalNodes.isEmpty && requiredNodes.count == 1 { return requiredNodes[0] }
            return .boolean(must: requiredNodes, should: optionalNodes, mustNot: excludedNodes)
        }
    }

    /// Whether any of the clauses has searchable words (so that "nothing matched" is not "nothing asked").
    private func hadSearchable(_ clauses: [Query]) -> Bool {
        clauses.contains { clause in
            switch clause {
            case let .words(text, field), let .phrase(text, field), let .prefix(text, field): return !analyze(text, field: field).isEmpty
            case .years: return true
            case let .boolean(must, should, _): return hadSearchable(must + should)
            }
        }
    }
}

/// The ways a phrase may be written in a paper, as sequences of (offset, term).
///
/// The tokenizer gives a hyphenated compound's parts and its joined form one position ("pre-training" ->
/// pre, training, pretraining, all at one position; see `Tokenizer`). So in a paper, a compound stands at one
/// position under each of its spellings, and a quoted compound means exactly: the joined form at one position
/// (which papers writing "pre-training" or "pretraining" have), or the parts as consecutive words ("pre
/// training"), stop words among them leaving gaps. Each compound of a phrase doubles its spellings; past
/// `maximumSpellings` the remaining compounds are taken joined only.
struct PhraseSpellings {
    static let maximumSpellings = 16

    /// One position of the phrase: a word, a stop word (a gap), or a compound.
    private enum Slot {
        case word([UInt8])
        case gap
        /// The parts (nil for a stop-word part) and the joined form.
        case compound(parts: [[UInt8]?], joined: [UInt8])
    }

    private var slots: [Slot] = []

    init(_ tokens: [AnalyzedToken]) {
        var index = 0
        while index < tokens.count {
            // Tokens at one position: one word, or a compound's parts followed by its joined form.
            var end = index + 1
            while end < tokens.count && tokens[end].position == tokens[index].position { end += 1 }
            let group = tokens[index..<end]
            if group.count == 1 {
                slots.append(group[index].indexedTerm.map { .word(Array($0.utf8)) } ?? .gap)
            } else if let joined = group.last?.indexedTerm {
                slots.append(.compound(parts: group.dropLast().map { $0.indexedTerm.map { Array($0.utf8) } }, joined: Array(joined.utf8)))
            } else {
                // A compound too long to index: it takes one position and matches nothing written there.
                slots.append(.gap)
            }
            // A dropped token before the next position leaves gaps (`tokens` lists them at their positions).
            if end < tokens.count {
                for _ in 0..<max(0, tokens[end].position - tokens[index].position - 1) { slots.append(.gap) }
            }
            index = end
        }
        while case .gap? = slots.last { slots.removeLast() }
        while case .gap? = slots.first { slots.removeFirst() }
    }

    /// Whether the phrase has any indexed term.
    var hasTerms: Bool {
        slots.contains { if case .gap = $0 { return false } else { return true } }
    }

    /// Every spelling: (offset, term) pairs, offsets from the phrase's first position.
    var sequences: [[(Int, [UInt8])]] {
        var results: [[(Int, [UInt8])]] = [[]]
        var offsets = [0]
        for slot in slots {
            switch slot {
            case let .word(term):
                for k in results.indices { results[k].append((offsets[k], term)); offsets[k] += 1 }
            case .gap:
                for k in offsets.indices { offsets[k] += 1 }
            case let .compound(parts, joined):
                let splitToo = results.count * 2 <= PhraseSpellings.maximumSpellings
                var newResults: [[(Int, [UInt8])]] = [], newOffsets: [Int] = []
                for k in results.indices {
                    newResults.append(results[k] + [(offsets[k], joined)])
                    newOffsets.append(offsets[k] + 1)
                    if splitToo {
                        var sequence = results[k]
                        for (partIndex, part) in parts.enumerated() {
                            if let part { sequence.append((offsets[k] + partIndex, part)) }
                        }
                        newResults.append(sequence)
                        newOffsets.append(offsets[k] + parts.count)
                    }
                }
                results = newResults
                offsets = newOffsets
            }
        }
        // A spelling that begins with a gap (a stop-word part first) starts at its first term.
        return results.map { sequence in
            guard let first = sequence.first?.0 else { return sequence }
            return sequence.map { ($0.0 - first, $0.1) }
        }
    }
}
