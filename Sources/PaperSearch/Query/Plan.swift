/// A term a query scores with or matches on: resolved in every segment's dictionary, with its weight
/// (idf × boost, from the commit's statistics) and the field it must occur in.
struct PlanTerm {
    var namespace: FieldNamespace
    var bytes: [UInt8]
    var field: QueryField
    /// The live papers holding it, and its entry in each segment.
    var indexed: IndexedTerm
    /// What the term adds to a score at most: idf for text terms; the author weight × idf for author words
    /// of plain words; `PlanBuilder.knownItemWeight` for an id plain words name; 0 for the terms of field
    /// clauses (author:, venue:, category:, id:), which select but do not score.
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
    /// One author's name: each part (its alternative terms) found in one and the same author.
    case author(parts: [[Int]])
    case years(ClosedRange<Int>)
    case boolean(must: [PlanNode], should: [PlanNode], mustNot: [PlanNode])
    /// Cannot match (a required word is not in the index).
    case nothing
}

extension PlanNode {
    /// Whether the node only filters: a year range, or terms of the author, venue, category or id fields
    /// (not the title and abstract). A required filter leaves the other clauses required as a group.
    func onlyFilters(_ terms: [PlanTerm]) -> Bool {
        switch self {
        case .years, .nothing, .author: return true
        case let .term(index): return terms[index].namespace != .text
        case let .phrase(groups, _): return groups.allSatisfy { $0.terms.allSatisfy { terms[$0].namespace != .text } }
        case let .anyOf(children): return children.allSatisfy { $0.onlyFilters(terms) }
        case let .boolean(must, should, _): return (must + should).allSatisfy { $0.onlyFilters(terms) }
        }
    }
}

/// A query resolved against an index: its terms, its structure, and which algorithm fits it.
struct SearchPlan {
    var terms: [PlanTerm] = []
    var root: PlanNode = .nothing
    /// Why nothing can match, when that is known before searching (e.g. only stop words).
    var notice: String?
    /// What planning did to the query that the results should say: words no paper holds searched as their
    /// nearest spellings, acronyms searched with their long forms.
    var notices: [String] = []
    /// Whether a word no paper holds was searched as its near spellings.
    var corrected = false
    /// The near terms a correction found for each word as typed (`PlanBuilder.nearTerms`), so that the
    /// suggestion need not walk the dictionary again.
    var nearTermsOfWords: [String: [([UInt8], IndexedTerm, Int)]] = [:]

    /// Indices of the terms that add to the score (text terms outside exclusions).
    var scoringTerms: [Int] = []
    /// Forms of one thing that score as alternatives (an acronym and its long forms): a paper scores the best
    /// form of each group (the sum of the form's scoring terms), not all of them, so that a paper using both
    /// forms does not outrank every paper that uses one. A term is in at most one group.
    var alternatives: [[[Int]]] = []
    /// The scoring terms in no group of `alternatives`: these add up as usual.
    var ungroupedScoringTerms: [Int] {
        guard !alternatives.isEmpty else { return scoringTerms }
        let grouped = Set(alternatives.joined().joined())
        return scoringTerms.filter { !grouped.contains($0) }
    }

    enum Shape {
        /// Any of the terms (ranked OR), in papers every filter holds (`word +year:>=2020 +category:cs.LG`;
        /// none: any paper), minus exclusions.
        case disjunction(terms: [Int], filters: [PlanNode], exclusions: [PlanNode])
        /// Every clause of `required` (each any of its terms: a word, or a word and the author name it also
        /// is, or a phrase position's spellings), every phrase (in any of its spellings; its positions checked
        /// last, see `RankedAnd`), any of `optional`, every filter, no exclusion.
        case conjunction(required: [[Int]], optional: [Int], filters: [PlanNode], exclusions: [PlanNode], phrases: [PhraseCheck])
        /// Any of some terms and phrases, some of them perhaps forms of one thing (`alternatives`). A paper's
        /// score is the largest of the sums its choices of one form per group give (`formCombinations`; one
        /// sum, of every scoring term, without alternatives), so the best papers are among the best of each
        /// sum: each is ranked as a disjunction of its terms, the root (phrases' positions) asked only about
        /// papers that would enter, and the papers found are scored with their best forms.
        case disjunctionOfForms(combinations: [[Int]])
        /// Anything else: the boolean structure is matched document by document.
        case general
        case empty
    }

    /// A phrase of text terms that a conjunction checks on its candidates (see `PhrasePositions`), written
    /// any of several ways: it stands where one of its spellings does.
    struct PhraseCheck {
        /// One way of writing the phrase: each group is a position (its offset and alternative terms), found
        /// in `field`. A spelling of one group is a word (a compound's joined form, or any word of a union).
        struct Spelling {
            var groups: [(offset: Int, terms: [Int])]
            var field: QueryField
        }
        var spellings: [Spelling]

        init(groups: [(offset: Int, terms: [Int])], field: QueryField) {
            spellings = [Spelling(groups: groups, field: field)]
        }

        init(spellings: [Spelling]) {
            self.spellings = spellings
        }

        /// The phrase's terms, each once, ascending.
        var terms: [Int] { Array(Set(spellings.flatMap { $0.groups.flatMap(\.terms) })).sorted() }
    }

    var shape: Shape {
        // Alternatives score otherwise than as a sum: a union of scoring terms and phrases takes the pruned
        // path that rescores its candidates; anything else, the general path.
        if !alternatives.isEmpty {
            if case .nothing = root { return .empty }
            return unionOfWords ?? .general
        }
        switch root {
        case .nothing: return .empty
        case let .term(index): return .disjunction(terms: [index], filters: [], exclusions: [])
        case let .phrase(groups, field) where isTextPhrase(groups):
            return .conjunction(required: groups.map(\.terms), optional: [], filters: [], exclusions: [],
                                phrases: [PhraseCheck(groups: groups, field: field)])
        case let .anyOf(children):
            let terms = children.compactMap { if case let .term(index) = $0 { return index } else { return nil } }
            if terms.count == children.count { return .disjunction(terms: terms, filters: [], exclusions: []) }
            if let union = phraseUnion(root) {
                return .conjunction(required: union.clauses, optional: union.others, filters: [], exclusions: [], phrases: [union.check])
            }
            return unionOfWords ?? .general
        case let .boolean(must, should, mustNot):
            let optional = SearchPlan.flattenTerms(should)
            if must.isEmpty {
                // Words and phrases: ranked by their words, the phrases checked for the papers that would enter.
                guard let optional, !optional.isEmpty else { return unionOfWords ?? .general }
                return .disjunction(terms: optional, filters: [], exclusions: mustNot)
            }
            var required: [[Int]] = []
            var filters: [PlanNode] = []
            var phrases: [PhraseCheck] = []
            var unionTerms: [Int] = []
            for node in must {
                if case let .phrase(groups, field) = node, isTextPhrase(groups) {
                    required += groups.map(\.terms)
                    phrases.append(PhraseCheck(groups: groups, field: field))
                    continue
                }
                if let union = phraseUnion(node) {
                    required += union.clauses
                    unionTerms += union.others
                    phrases.append(union.check)
                    continue
                }
                // A clause of terms that match wherever they occur (no title or abstract restriction, which
                // the postings alone do not tell), among them a word of the text.
                if let clause = SearchPlan.flattenTerms([node]), clause.contains(where: { terms[$0].namespace == .text }),
                   clause.allSatisfy({ terms[$0].field != .title && terms[$0].field != .abstract }) {
                    required.append(clause)
                } else {
                    filters.append(node)
                }
            }
            if required.isEmpty, let optional, !optional.isEmpty, filters.allSatisfy({ $0.onlyFilters(terms) }) {
                return .disjunction(terms: optional, filters: filters, exclusions: mustNot)
            }
            // Filters must only filter: a required group of scoring words (`+(error OR noise)`, a compound, a
            // fuzzy word) adds to the score, which the ranked conjunction would not count.
            guard !required.isEmpty, let optional, filters.allSatisfy({ $0.onlyFilters(terms) }) else { return .general }
            return .conjunction(required: required, optional: optional + unionTerms, filters: filters, exclusions: mustNot, phrases: phrases)
        default:
            return .general
        }
    }

    /// A plan that is any of some terms less any of others — the terms (each matching wherever it occurs, with
    /// no field restriction), or nil for any other plan.
    static func unionOfTerms(_ root: PlanNode, terms: [PlanTerm]) -> (included: [Int], excluded: [Int])? {
        func plain(_ list: [Int]) -> Bool { list.allSatisfy { terms[$0].field == .text || terms[$0].namespace != .text } }
        switch root {
        case .term, .anyOf:
            guard let included = flattenTerms([root]), plain(included) else { return nil }
            return (included, [])
        case let .boolean(must, should, mustNot) where must.isEmpty:
            guard let included = flattenTerms(should), let excluded = flattenTerms(mustNot), !included.isEmpty,
                  plain(included), plain(excluded) else { return nil }
            return (included, excluded)
        default:
            return nil
        }
    }

    /// `disjunctionOfForms` for a root of words and phrases (`isUnionOfScoringWords`), nil otherwise or past
    /// `maximumFormCombinations`.
    private var unionOfWords: Shape? {
        guard SearchPlan.isUnionOfScoringWords(root, terms), let combinations = formCombinations else { return nil }
        return .disjunctionOfForms(combinations: combinations)
    }

    /// Whether a phrase's terms are all of the text (title and abstract), whose positions the postings hold.
    private func isTextPhrase(_ groups: [(offset: Int, terms: [Int])]) -> Bool {
        groups.allSatisfy { $0.terms.allSatisfy { terms[$0].namespace == .text } }
    }

    /// A union of text phrases and words with at least one phrase (the spellings of a quoted compound, of a
    /// compound word, `"a b" OR c`) as a conjunction's parts: the phrase to check, with a spelling for each
    /// member; clauses that every paper where it stands satisfies; and its terms in no clause, which add to
    /// the score where they occur (as every term of the union does on the exhaustive path). Nil for any
    /// other node.
    ///
    /// A group common to every spelling is a clause of its own. Then, while every spelling has groups
    /// left, one more clause takes the next rarest group of each spelling: a paper where any spelling stands
    /// holds a term of it.
    private func phraseUnion(_ node: PlanNode) -> (clauses: [[Int]], others: [Int], check: PhraseCheck)? {
        guard case .anyOf = node else { return nil }
        func members(_ node: PlanNode) -> [PlanNode] {
            if case let .anyOf(children) = node { return children.flatMap(members) } else { return [node] }
        }
        var spellings: [PhraseCheck.Spelling] = []
        for child in members(node) {
            switch child {
            case let .phrase(groups, field) where isTextPhrase(groups) && !groups.isEmpty:
                spellings.append(.init(groups: groups, field: field))
            case let .term(index) where terms[index].namespace == .text:
                spellings.append(.init(groups: [(0, [index])], field: terms[index].field))
            default:
                return nil
            }
        }
        guard spellings.contains(where: { $0.groups.count > 1 }) else { return nil }
        func frequency(_ group: [Int]) -> Int { group.reduce(0) { $0 + terms[$1].indexed.documentFrequency } }
        let groupsOf = spellings.map { spelling in Array(Set(spelling.groups.map { Array(Set($0.terms)).sorted() })) }
        let common = groupsOf.dropFirst().reduce(Set(groupsOf[0])) { $0.intersection($1) }
        var clauses = common.sorted { $0.lexicographicallyPrecedes($1) }
        let rest = groupsOf.map { groups in
            groups.filter { !common.contains($0) }.sorted {
                frequency($0) != frequency($1) ? frequency($0) < frequency($1) : $0.lexicographicallyPrecedes($1)
            }
        }
        for k in 0..<(rest.map(\.count).min() ?? 0) {
            clauses.append(Array(Set(rest.flatMap { $0[k] })).sorted())
        }
        let check = PhraseCheck(spellings: spellings)
        let inClauses = Set(clauses.joined())
        return (clauses, check.terms.filter { !inClauses.contains($0) }, check)
    }

    /// The most sums `formCombinations` makes before a plan takes the general path instead.
    static let maximumFormCombinations = 16

    /// The ungrouped scoring terms with one form of each group of `alternatives`, for every choice of forms
    /// (each distinct, ascending): a paper's score is the largest of these sums (`PlanScorer`).
    /// Nil past `maximumFormCombinations`.
    var formCombinations: [[Int]]? {
        var combinations: [[Int]] = [ungroupedScoringTerms]
        for group in alternatives {
            guard combinations.count * group.count <= SearchPlan.maximumFormCombinations else { return nil }
            combinations = combinations.flatMap { chosen in group.map { chosen + $0 } }
        }
        return combinations.map { Array(Set($0)).sorted() }.filter { !$0.isEmpty }
    }

    /// Whether `node` is a term, a phrase or a union of them, every term scoring: then every document it
    /// matches holds one of its scoring terms, and the sum of their contributions bounds its score.
    static func isUnionOfScoringWords(_ node: PlanNode, _ terms: [PlanTerm]) -> Bool {
        switch node {
        case let .term(index): return terms[index].scores
        case let .phrase(groups, _): return groups.allSatisfy { $0.terms.allSatisfy { terms[$0].scores } }
        case let .anyOf(children): return children.allSatisfy { isUnionOfScoringWords($0, terms) }
        case let .boolean(must, should, mustNot) where must.isEmpty && mustNot.isEmpty && !should.isEmpty:
            return should.allSatisfy { isUnionOfScoringWords($0, terms) }
        default: return false
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

/// What `PlanBuilder` reuses from one analysis or look-up to the next (a class, so that the builder's
/// non-mutating methods can use it).
private final class PlanScratch {
    var analysis = AnalyzerScratch(stemCacheSlotBits: 1)
    /// A dictionary key: the namespace byte, then the term.
    var key: [UInt8] = []
}

/// Turns a `Query` into a `SearchPlan` for one index: analyses the text clauses with the index's analyzer,
/// looks the terms up, expands prefixes, and simplifies the boolean structure (clauses with no searchable
/// words drop out; a required word missing from the index makes the whole conjunction empty).
///
/// Plain words search the title and abstract, and also the authors (folded, unstemmed words, each scored
/// with the author weight × its idf among author words), so "Zechun Liu" finds his papers; a word that is
/// an arXiv id however written (`arXiv:2506.01967`, `2506.01967v2`, an arxiv.org URL) also matches that
/// paper's id, weighted to put it first (`knownItemWeight`).
struct PlanBuilder {
    /// What naming a paper's id in a query adds to its score: more than any title or abstract can.
    static let knownItemWeight = 100.0

    let index: SearchIndex
    let parameters: BM25Parameters
    var plan = SearchPlan()
    var termIndices: [TermKey: Int] = [:]
    /// Authors' names and keywords: folded words, unstemmed, no stop words (one analyzer for every plan).
    private static let keywordAnalyzer = Analyzer(stemmer: .none, stopWords: .none)
    /// Buffers the plan's analyses and dictionary look-ups reuse: a query analyses each word two or three
    /// times, and made them anew each time (a fifth of a three-word conjunction's allocations).
    private let scratch = PlanScratch()
    /// Dictionary entries the query's prefixes may still scan, and terms they may still add.
    private var prefixScanBudget = Query.prefixScanLimit
    private var expansionBudget = Query.expansionLimit

    /// Whether a word no paper holds is searched as its nearest spellings (`SearchOptions.corrections`).
    private var correcting: Bool
    /// Whether plain words are searched with the acronyms and long forms they stand for
    /// (`SearchOptions.acronyms`; not for a word asked for as written, `=BNN`).
    var expandingAcronyms: Bool
    /// While an acronym or a long form standing for the other is planned: the scale of its terms' weights,
    /// and what `--explain` says.
    var expansion: (scale: Double, note: String)?
    /// The query being planned, and how many terms its words make (`wordCount`, found when first needed).
    var query: Query = .words("", field: .text)
    var countedWords: Int?

    init(index: SearchIndex, parameters: BM25Parameters, correcting: Bool = true, expandingAcronyms: Bool = true) {
        self.index = index
        self.parameters = parameters
        self.correcting = correcting
        self.expandingAcronyms = expandingAcronyms
        // Room for a few words' terms (each a text term and an author term) at once: grown one by one, the
        // two reallocated about as often as they were added to.
        plan.terms.reserveCapacity(8)
        termIndices.reserveCapacity(8)
    }

    /// Why a query cannot be planned: it is too large, or the index is damaged.
    enum Failure: Error {
        case query(QueryError)
        case index(IndexError)
    }

    static func build(_ query: Query, index: SearchIndex, parameters: BM25Parameters, correcting: Bool = true,
                      expandingAcronyms: Bool = true) throws(Failure) -> SearchPlan {
        if let depth = query.depthExceeding(Query.maximumDepth) {
            throw .query(QueryError(position: 0, message: "the query nests deeper than \(Query.maximumDepth) levels (found \(depth))", query: ""))
        }
        var builder = PlanBuilder(index: index, parameters: parameters, correcting: correcting, expandingAcronyms: expandingAcronyms)
        builder.query = query
        let root = try builder.node(query, negated: false)
        builder.plan.root = root ?? .nothing
        if root == nil { builder.plan.notice = "the query has no searchable words (only stop words or punctuation)" }
        var scoring = Set<Int>()
        builder.collectScoring(builder.plan.root, negated: false, into: &scoring)
        builder.plan.scoringTerms = scoring.sorted()
        builder.plan.alternatives = builder.plan.alternatives.map { group in group.map { $0.filter(scoring.contains) } }
        return builder.plan
    }

    private func collectScoring(_ node: PlanNode, negated: Bool, into result: inout Set<Int>) {
        switch node {
        case let .term(index): if !negated && plan.terms[index].scores { result.insert(index) }
        case let .anyOf(children): children.forEach { collectScoring($0, negated: negated, into: &result) }
        case let .phrase(groups, _): groups.flatMap(\.terms).forEach { collectScoring(.term($0), negated: negated, into: &result) }
        case let .author(parts): parts.joined().forEach { collectScoring(.term($0), negated: negated, into: &result) }
        case let .boolean(must, should, mustNot):
            (must + should).forEach { collectScoring($0, negated: negated, into: &result) }
            mustNot.forEach { collectScoring($0, negated: true, into: &result) }
        case .years, .nothing: break
        }
    }

    /// The index of a term in the plan, added on first use; nil when the index does not hold it.
    /// The terms of a fuzzy clause (`Query.fuzzy`) weigh as if they had `blendedFrequency` papers (the most
    /// any of them has: Lucene's blended rewrite, so that a rare misspelling does not outweigh the word it
    /// misspells), times `discount` (`fuzzy` says what it is); each is its own plan term (the same word asked
    /// for in another clause weighs as usual there).
    /// A term standing for an acronym or its long form (planned while `expansion` is set) weighs its scale
    /// times its own weight, and `--explain` adds its note.
    mutating func term(_ namespace: FieldNamespace, _ bytes: [UInt8], field: QueryField, edits: Int = 0,
                       of word: [UInt8] = [], blendedFrequency: Int? = nil, discount: Double = 1) throws(Failure) -> Int? {
        let (scale, note) = expansion.map { ($0.scale, Optional($0.note)) } ?? (1, nil)
        let key = PlanBuilder.key(namespace, field, bytes, fuzzy: (blendedFrequency.map { "~\(edits)/\($0)/" } ?? "")
                                    + (note.map { "=\($0)/" } ?? ""))
        if let existing = termIndices[key] { return existing }
        let found: IndexedTerm?
        scratch.key.removeAll(keepingCapacity: true)
        scratch.key.append(namespace.rawValue)
        scratch.key.append(contentsOf: bytes)
        do { found = try index.lookup(key: scratch.key) } catch { throw .index(error) }
        guard let indexed = found else { return nil }
        let idf = BM25.idf(documentFrequency: blendedFrequency ?? indexed.documentFrequency, documentCount: index.documentCount)
        let weight: Double
        switch namespace {
        case .text: weight = idf
        // Plain words score among the authors; an `author:` clause selects, as the other fields do.
        case .author: weight = field == .text ? parameters.authorWeight * idf : 0
        case .id: weight = field == .text ? PlanBuilder.knownItemWeight : 0
        case .venue, .category, .acronym: weight = 0
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var display = field == .text ? text : "\(field.rawValue):\(text)"
        if edits > 0 { display += " (\(edits) edit\(edits == 1 ? "" : "s") from \(String(decoding: word, as: UTF8.self)), idf ×\((discount * 1000).rounded() / 1000))" }
        if let note { display += " (\(note), idf ×\((scale * 100).rounded() / 100))" }
        plan.terms.append(PlanTerm(namespace: namespace, bytes: bytes, field: field, indexed: indexed,
                                   weight: weight * discount * scale, display: display))
        termIndices[key] = plan.terms.count - 1
        return plan.terms.count - 1
    }

    /// Plain words of several words (as batch search and `QueryParser.plainWords` give them) with some that
    /// no paper holds: the others as they are, each of those as its near spellings (`correction(of:)`).
    /// nil when there is one word, or every word is in some paper or cannot be corrected.
    private mutating func correctingEach(_ text: String) throws(Failure) -> PlanNode? {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard words.count > 1 else { return nil }
        var kept: [String] = [], missing: [(word: String, frequency: Int)] = []
        for word in words {
            guard let stem = correctable(word, asTyped: queryIsShort())?.stem else {
                kept.append(word)
                continue
            }
            // Through `term`, which keeps what it finds for the words' own plan below: no word is looked up
            // twice.
            let frequency = try term(.text, stem, field: .text).map { plan.terms[$0].indexed.documentFrequency } ?? 0
            var author = false
            do {
                for name in PlanBuilder.keywordAnalyzer.terms(word) where !author { author = try index.lookup(.author, Array(name.utf8)) != nil }
            } catch { throw .index(error) }
            if frequency > 0 || author { kept.append(word) }
            // A rare word may be a slip that made another word, unless the papers define it as an acronym.
            let rare = !author && frequency > 0 && frequency <= Query.rareFrequency && queryIsShort()
            let rareSlip = rare ? try !isDefinedAcronym(stem) : false
            if (frequency == 0 && !author) || rareSlip { missing.append((word, frequency)) }
        }
        guard !missing.isEmpty else { return nil }
        // The words kept answer as before (and are not checked again).
        var result = kept.isEmpty ? nil : try wordsAsWritten(kept.joined(separator: " "), field: .text)
        for (word, frequency) in missing {
            if let corrected = try correction(of: word, heldBy: frequency) { result = PlanBuilder.either(result, corrected) }
        }
        return result ?? .nothing
    }

    /// `SearchIndex.definesAcronym`, for the plan.
    private func isDefinedAcronym(_ term: [UInt8]) throws(Failure) -> Bool {
        do { return try index.definesAcronym(term) } catch { throw .index(error) }
    }

    /// The terms near a word that no paper holds (`SearchOptions.corrections`): one word of
    /// `Query.correctedLength` letters or more, without digits, searched as `Query.fuzzy` with the automatic edits; nil when nothing is near.
    /// A word that only `heldBy` papers hold (at most `Query.rareFrequency`) is searched as written and also
    /// as the near terms that at least `Query.rareFactor` times as many hold (a slip that made another word).
    private mutating func correction(of text: String, heldBy frequency: Int = 0) throws(Failure) -> PlanNode? {
        guard let word = correctable(text, asTyped: queryIsShort()) else { return nil }
        let before = plan.terms.count
        let found: PlanNode?
        let budgets = (prefixScanBudget, expansionBudget)
        let minimumFrequency = frequency == 0 ? 0 : Query.rareFactor * (frequency + 1)
        do {
            // A word no paper holds: in a short query its spellings stand in for it, and two edits are tried
            // unless one edit finds a common word; in a long one, unless one edit finds any.
            let short = queryIsShort()
            let common = short ? max(1, Int((Query.commonShare * Double(index.documentCount)).rounded(.up))) : 1
            found = try fuzzy(text, distance: nil, field: .text, sharedPrefix: 1, typed: word.typed, minimumFrequency: minimumFrequency,
                              standingIn: frequency == 0 && short, widenedBelow: frequency == 0 ? common : nil)
        } catch {
            // A correction past the query's budgets is left out (the word stays unmatched, as with --exact),
            // and said; a budget the user's own prefixes or fuzzy words exceed is still an error.
            guard case .query = error else { throw error }
            (prefixScanBudget, expansionBudget) = budgets
            plan.notices.append("'\(text)' is in no paper, and too many words are near it to search them")
            return nil
        }
        guard let node = found, plan.terms.count > before else { return nil }
        plan.corrected = true
        let shown = plan.terms[before...].sorted { $0.indexed.documentFrequency > $1.indexed.documentFrequency }
            .prefix(3).map { String(decoding: $0.bytes, as: UTF8.self) }
        let held = frequency == 0 ? "is in no paper" : "is in only \(frequency) paper\(frequency == 1 ? "" : "s")"
        plan.notices.append("'\(text)' \(held); searched words near it\(frequency == 0 ? "" : " too"): \(shown.joined(separator: ", "))"
            + (plan.terms.count - before > 3 ? " and \(plan.terms.count - before - 3) more" : "") + " (--exact to turn this off)")
        return node
    }

    /// A fuzzy clause: the word and the terms within a few edits of it (`FuzzyTermWalk`), the nearest and
    /// most frequent first, at most `Query.prefixLimit`. Words of several terms, numbers and words with
    /// digits are taken exactly; so are the fields that hold names of things (category, id, venue).
    /// `sharedPrefix`: how many first bytes the walk holds (`FuzzyTermWalk.sharedPrefix`); a correction
    /// holds the first letter (the one-edit spellings of the word as typed still change it).
    /// `typed`: a correction's word as typed (`correctable`), which the terms are compared with (and which
    /// sets the automatic edits) instead of its stem.
    /// `minimumFrequency`: only terms that at least this many papers hold (a rare word's corrections).
    /// `standingIn`: the terms stand in for a word of a short query that no paper holds (in a long one such a
    /// word is as often one the collection does not use as a slip), so none has the word to rank below:
    /// the nearest weigh `Query.correctionWeight` and each edit further `Query.fuzzyDiscount` more (not
    /// `Query.fuzzyDiscount` per edit).
    /// `widenedBelow`: when one edit is allowed and no term one edit away has this many papers, the terms
    /// two edits away are searched too (`Query.commonShare` says why); when still none has, so are those
    /// that do not share the first letter (`Query.unheldWalkLimit`).
    private mutating func fuzzy(_ text: String, distance: Int?, field: QueryField, sharedPrefix: Int = 0, typed: [UInt8]? = nil,
                                minimumFrequency: Int = 0, standingIn: Bool = false, widenedBelow: Int? = nil) throws(Failure) -> PlanNode? {
        let namespace = PlanBuilder.namespace(of: field)
        let terms = analyze(text, field: field).map(\.term)
        let edits = terms.count == 1 ? distance ?? Query.automaticEdits(forLength: (typed ?? terms[0]).count) : 0
        guard namespace == .text || namespace == .author, edits > 0, PlanBuilder.canBeChanged(terms[0]) else {
            // The words as written, and only those (`word~0` asks for no other spelling).
            return try wordsAsWritten(text, field: field)
        }
        let word = terms[0]
        func tooMany() -> Failure {
            .query(QueryError(position: 0, message: "'\(text)~' and the query's other prefixes and fuzzy words read more than \(Query.prefixScanLimit) words; allow fewer edits", query: ""))
        }
        guard var found = try nearTerms(text, stem: word, typed: typed, in: namespace, edits: edits, sharedPrefix: sharedPrefix,
                                        budget: &prefixScanBudget) else { throw tooMany() }
        // What the suggestion would walk for: the automatic edits, the first letter held.
        if distance == nil && sharedPrefix == 1 && namespace == .text { plan.nearTermsOfWords[text] = found }
        // Two edits in a word of four letters leave too little of it.
        let widens = (typed ?? word).count >= Query.widenedLength
        func noneCommon() -> Bool { widenedBelow.map { common in !found.contains { $0.1.documentFrequency >= common } } ?? false }
        if widens, edits == 1, noneCommon() {
            // The walks again (their terms within one edit among those found), not the one-edit spellings.
            guard let wider = try nearTerms(text, stem: word, typed: typed, in: namespace, edits: 2, sharedPrefix: sharedPrefix,
                                            spellings: false, budget: &prefixScanBudget) else { throw tooMany() }
            let walked = Set(wider.map(\.0))
            found = wider + found.filter { !walked.contains($0.0) }
        }
        if widens, noneCommon(), let unheld = try unheldNearTerms(text, stem: word, typed: typed, in: namespace, edits: edits).terms {
            let known = Set(found.map(\.0))
            found += unheld.filter { !known.contains($0.0) }
        }
        let kept = PlanBuilder.preferredOrder(found.filter { $0.1.documentFrequency >= minimumFrequency }, stem: word).prefix(Query.prefixLimit)
        expansionBudget -= kept.count
        if expansionBudget < 0 {
            throw .query(QueryError(position: 0, message: "the query's prefixes and fuzzy words add more than \(Query.expansionLimit) words; use fewer", query: ""))
        }
        let blended = kept.map(\.1.documentFrequency).max() ?? 1
        let nearest = kept.map(\.2).min() ?? 0
        var nodes: [PlanNode] = []
        for (key, _, distance) in kept.sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
            let further = standingIn ? distance - nearest : distance
            let discount = (0..<further).reduce(standingIn ? Query.correctionWeight : 1) { product, _ in product * Query.fuzzyDiscount }
            if let index = try term(namespace, Array(key.dropFirst()), field: field, edits: distance, of: typed ?? word, blendedFrequency: blended,
                                    discount: discount) {
                nodes.append(.term(index))
            }
        }
        if nodes.isEmpty { return .nothing }
        return nodes.count == 1 ? nodes[0] : .anyOf(nodes)
    }

    /// The terms of a node `termAlternatives` made.
    private static func termCount(_ node: PlanNode?) -> Int {
        switch node {
        case .term: return 1
        case let .anyOf(children): return children.count
        default: return 0
        }
    }

    /// `words` as written, never corrected (a fuzzy word's fallback, or the words of a clause found as typed).
    private mutating func wordsAsWritten(_ words: String, field: QueryField) throws(Failure) -> PlanNode? {
        let saved = (correcting, expandingAcronyms)
        (correcting, expandingAcronyms) = (false, false)
        defer { (correcting, expandingAcronyms) = saved }
        return try node(.words(words, field: field), negated: false)
    }

    /// A word a correction may change: one word without digits that analyses to one term, its stem; and
    /// `asTyped`, the word as typed (lower case, folded), which the correction then compares the index's
    /// terms with (`nearTerms`). The word as typed, else its stem, has `Query.correctedLength` letters or
    /// more. Short queries are corrected as typed, where a slip counts most; in longer ones the other words
    /// carry the topic, and a word in no paper is more often one the collection does not use ("saving", as
    /// typed one edit from "having") than a slip, so they keep the stricter comparison of stems (two edits
    /// from nine letters of a stem, not of the word).
    func correctable(_ word: String, asTyped: Bool) -> CorrectableWord? {
        let terms = analyze(word, field: .text).map(\.term)
        guard terms.count == 1, PlanBuilder.canBeChanged(terms[0]) else { return nil }
        guard asTyped else { return terms[0].count >= Query.correctedLength ? CorrectableWord(typed: nil, stem: terms[0]) : nil }
        let typed = PlanBuilder.keywordAnalyzer.terms(word).map { Array($0.utf8) }
        guard typed.count == 1, typed[0].count >= Query.correctedLength, PlanBuilder.canBeChanged(typed[0]) else { return nil }
        return CorrectableWord(typed: typed[0], stem: terms[0])
    }

    /// A word a correction may change (`correctable`).
    struct CorrectableWord {
        /// The word as typed (lower case, folded), when the correction compares it; nil: it compares the stem.
        var typed: [UInt8]?
        var stem: [UInt8]
        /// The edits the correction allows (`Query.automaticEdits`), counted on what it compares.
        var automaticEdits: Int { Query.automaticEdits(forLength: (typed ?? stem).count) }
    }

    /// The terms near a word (`text` as typed, `stem` its analysed term) with their edits: those within
    /// `edits` of the stem sharing its first `sharedPrefix` bytes (`FuzzyTermWalk`), or, for a correction
    /// (`typed` given), of the word as typed read as a stem and an ending (`StemEndings`), holding its first
    /// letter or (`sharedPrefix` 1) its second; and for text the stems of the one-edit spellings of the word
    /// as typed (`stemsOfNearSpellings`, unless `spellings` is false). The walks' terms read come off
    /// `budget`; nil when it would go below zero.
    func nearTerms(_ text: String, stem: [UInt8], typed: [UInt8]? = nil, in namespace: FieldNamespace, edits: Int, sharedPrefix: Int,
                   spellings: Bool = true, budget: inout Int) throws(Failure) -> [([UInt8], IndexedTerm, Int)]? {
        var words = [typed ?? stem]
        // Holding the first letter misses a slip in it. The two a second letter can tell, a letter typed
        // before the word and the first two swapped, leave the term starting with the second letter typed: a
        // second walk holds that one (the distances are measured again below, from the word as typed).
        if let typed, sharedPrefix == 1, typed.count > 1, typed[1] != typed[0] { words.append(Array(typed.dropFirst())) }
        var found: [([UInt8], IndexedTerm, Int)] = []
        var seen = Set<[UInt8]>()
        // The endings against the ends of the word as typed, for both walks' ending costs and `editsAsTyped`.
        let ends = typed.map { StemEndings.Distances($0) }
        for (dropped, word) in words.enumerated() {
            var read = 0
            let walked: [([UInt8], IndexedTerm, Int)]?
            do {
                let endingCosts = ends.map { StemEndings.costs($0, droppingFirst: dropped, limit: edits) } ?? []
                walked = try index.terms(near: word, in: namespace, distance: edits, sharedPrefix: sharedPrefix,
                                         endingCosts: endingCosts, budget: budget, termsRead: &read)
            } catch { throw .index(error) }
            budget -= read
            guard let walked else { return nil }
            for near in walked where seen.insert(near.0).inserted { found.append(near) }
        }
        if let typed, let ends {
            var scratch = AnalyzerScratch(stemCacheSlotBits: 1)
            found = found.compactMap { near in
                editsAsTyped(typed, stem: stem, term: near.0.dropFirst(), within: edits, ends: ends, scratch: &scratch).map { (near.0, near.1, $0) }
            }
        }
        if spellings && namespace == .text {
            found += try stemsOfNearSpellings(text, besides: Set(found.map(\.0)).union([[namespace.rawValue] + stem]))
        }
        return found
    }

    /// The walk a correction adds when those holding a letter find no common term: the slip may be in the
    /// first letter, so it holds none, within two edits (or `edits`, if more) and without the one-edit
    /// spellings, reading at most `Query.unheldWalkLimit` terms. `terms` is nil past that bound, when `read`
    /// is the bound.
    func unheldNearTerms(_ text: String, stem: [UInt8], typed: [UInt8]?, in namespace: FieldNamespace,
                         edits: Int) throws(Failure) -> (terms: [([UInt8], IndexedTerm, Int)]?, read: Int) {
        var bound = Query.unheldWalkLimit
        let terms = try nearTerms(text, stem: stem, typed: typed, in: namespace, edits: max(2, edits), sharedPrefix: 0,
                                  spellings: false, budget: &bound)
        return (terms, terms == nil ? Query.unheldWalkLimit : Query.unheldWalkLimit - bound)
    }

    /// Near terms (`nearTerms`) in the order a correction prefers them: the fewest edits; among equals, the
    /// fewest edits from the word's stem (a word as typed is often as near to a common stem and an ending as to
    /// the stem meant, and its own stem tells them apart); then the most papers; then byte order.
    static func preferredOrder(_ found: [([UInt8], IndexedTerm, Int)], stem: [UInt8]) -> [([UInt8], IndexedTerm, Int)] {
        found.map { ($0, EditDistance.between(stem, $0.0.dropFirst())) }.sorted { a, b in
            let (x, y) = ((a.0.2, a.1, -a.0.1.documentFrequency), (b.0.2, b.1, -b.0.1.documentFrequency))
            return x < y || (x == y && a.0.0.lexicographicallyPrecedes(b.0.0))
        }.map(\.0)
    }

    /// A plan term's key in `termIndices`: the term, its namespace and field, and for the terms a fuzzy word
    /// or an acronym adds, what added them (`variant`: they weigh what their own edits, blended frequency or
    /// expansion say). A value, not a string: making a string of it was a tenth of planning a short query.
    struct TermKey: Hashable {
        let namespace: FieldNamespace
        let field: QueryField
        let bytes: [UInt8]
        let variant: String
    }

    static func key(_ namespace: FieldNamespace, _ field: QueryField, _ bytes: [UInt8], fuzzy: String = "") -> TermKey {
        TermKey(namespace: namespace, field: field, bytes: bytes, variant: fuzzy)
    }

    /// Whether a fuzzy word may find other terms: not a number, not a word with digits (GPT-4, ResNet50).
    static func canBeChanged(_ term: [UInt8]) -> Bool {
        !term.contains { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The edits between a word as typed and a term read as a stem, alone or followed by an ending
    /// (`StemEndings`) that the stemmer takes off the two together, or between the word's stem and the term
    /// (as `word~` measures); nil when more than `limit`. The walk compares the ending without the stem, so
    /// this check throws out what no word stems to: "optimizaion" is one edit from "optimiz" + "ation", but
    /// "optimization" stems to "optim". The stems keep what the stemmer parts: "inclusion" is one edit from
    /// "includ" only as stems ("inclus").
    /// `ends`: the endings' distances to the ends of `typed`, made once for all the terms compared with it.
    func editsAsTyped(_ typed: [UInt8], stem: [UInt8], term: ArraySlice<UInt8>, within limit: Int, ends: StemEndings.Distances,
                      scratch: inout AnalyzerScratch) -> Int? {
        let toPrefixes = EditDistance.toPrefixes(term, typed)
        var best = min(toPrefixes[typed.count], EditDistance.between(stem, term))
        let letters = term.allSatisfy { $0 >= 0x61 && $0 <= 0x7A }
        var spelled: [UInt8] = [], stemmed = LoneTerm()
        for start in stride(from: StemEndings.shortestStem, to: typed.count, by: 1) where toPrefixes[start] < min(best, limit + 1) {
            for (index, ending) in StemEndings.endings.enumerated() {
                let cost = toPrefixes[start] + ends[index, start]
                guard cost < min(best, limit + 1) else { continue }
                spelled.removeAll(keepingCapacity: true)
                spelled += term
                spelled += ending
                // Whether the stem and the ending together analyse to the stem (by the shortcut for plain letters).
                if letters {
                    if self.index.analyzer.termOfLetters(&spelled) && spelled.elementsEqual(term) { best = cost }
                } else {
                    stemmed.count = 0
                    self.index.analyzer.analyze(String(decoding: spelled, as: UTF8.self), scratch: &scratch, into: &stemmed)
                    if stemmed.count == 1 && stemmed.bytes.elementsEqual(term) { best = cost }
                }
            }
        }
        return best <= limit ? best : nil
    }

    /// The stems of the spellings one edit from the word as written, that papers hold: the walk compares
    /// stems, so a slip in a suffix the stemmer would remove ("quantizaton" stems to itself, "quantization"
    /// to "quantiz") is found only this way. Words of plain letters up to 24, as at most 1,300 spellings.
    func stemsOfNearSpellings(_ text: String, besides known: Set<[UInt8]>) throws(Failure) -> [([UInt8], IndexedTerm, Int)] {
        let words = PlanBuilder.keywordAnalyzer.terms(text)
        guard words.count == 1, let word = words.first.map({ Array($0.utf8) }), word.count <= 24,
              word.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return [] }
        var seen = known
        var found: [([UInt8], IndexedTerm, Int)] = []
        // Each spelling is made in one buffer and becomes its term there, as analysis makes it of any text (a
        // stop word gives none, a British spelling the American one's; `Analyzer.termOfLetters`, without the
        // tokenizer), and is looked up once per term.
        var spelling: [UInt8] = []
        spelling.reserveCapacity(word.count + 1)
        func consider() throws(Failure) {
            guard index.analyzer.termOfLetters(&spelling) else { return }
            let key = [FieldNamespace.text.rawValue] + spelling
            guard seen.insert(key).inserted else { return }
            let indexed: IndexedTerm?
            do { indexed = try index.lookup(.text, spelling) } catch { throw .index(error) }
            if let indexed { found.append((key, indexed, 1)) }
        }
        // The word with `replaced` of its bytes from `at` on replaced by `first` and `second` (when given).
        func spell(at: Int, replacing replaced: Int, with first: UInt8? = nil, _ second: UInt8? = nil) throws(Failure) {
            spelling.removeAll(keepingCapacity: true)
            spelling.append(contentsOf: word[..<at])
            if let first { spelling.append(first) }
            if let second { spelling.append(second) }
            spelling.append(contentsOf: word[(at + replaced)...])
            try consider()
        }
        for at in word.indices {
            try spell(at: at, replacing: 1)
            if at + 1 < word.count && word[at] != word[at + 1] { try spell(at: at, replacing: 2, with: word[at + 1], word[at]) }
        }
        for letter in UInt8(0x61)...UInt8(0x7A) {
            for at in 0...word.count {
                try spell(at: at, replacing: 0, with: letter)
                if at < word.count && word[at] != letter { try spell(at: at, replacing: 1, with: letter) }
            }
        }
        return found
    }

    /// How many terms a text gave, and the last one.
    private struct LoneTerm: TermSink {
        var count = 0
        var bytes: [UInt8] = []

        mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
            count += 1
            bytes.removeAll(keepingCapacity: true)
            for index in term.indices { bytes.append(term[index]) }
        }
    }

    private static func namespace(of field: QueryField) -> FieldNamespace {
        switch field {
        case .text, .title, .abstract: return .text
        case .author: return .author
        case .venue: return .venue
        case .category: return .category
        case .id: return .id
        }
    }

    /// Analysed tokens (term and position) of `text` for a field.
    func analyze(_ text: String, field: QueryField) -> [(term: [UInt8], position: Int)] {
        let analyzer = PlanBuilder.namespace(of: field) == .text ? index.analyzer : PlanBuilder.keywordAnalyzer
        return analyzer.termPositions(text, scratch: &scratch.analysis)
    }

    /// nil: the clause has nothing searchable and drops out.
    mutating func node(_ query: Query, negated: Bool) throws(Failure) -> PlanNode? {
        switch query {
        case let .words(text, field):
            switch field {
            case .category: return try keywords(text, namespace: .category, field: field)
            case .id: return try idNode(text, field: field)
            case .venue:
                // The whole venue, or any of its words.
                let whole = try keywords(text, namespace: .venue, field: field, splitting: false)
                let words = try termAlternatives(analyze(text, field: field).map(\.term), namespace: .venue, field: field)
                return PlanBuilder.either(whole, words)
            case .author:
                return try termAlternatives(analyze(text, field: field).map(\.term), namespace: .author, field: field)
            case .text, .title, .abstract:
                // Plain words are read once, for the title and abstract (their terms) and for the authors' names
                // (the words as written).
                let reading = field == .text ? index.analyzer.termPositionsAndWritten(text, scratch: &scratch.analysis) : nil
                let analysedPositions = reading?.terms ?? analyze(text, field: field)
                let analysed = analysedPositions.map(\.term)
                let words = try termAlternatives(analysed, namespace: .text, field: field)
                // A word no paper holds among several (checked only when fewer terms were found than the
                // words gave, so that queries without typos cost what they did).
                if field == .text, correcting, !negated,
                   PlanBuilder.termCount(words) < Set(analysed.filter { !$0.isEmpty }).count
                     || (words.map(PlanBuilder.terms(of:))?.contains(where: { plan.terms[$0].indexed.documentFrequency <= Query.rareFrequency }) == true
                        && queryIsShort()),
                   let corrected = try correctingEach(text) {
                    return corrected
                }
                guard field == .text else { return words }
                // Plain words also search authors, and a word that is an arXiv id finds that paper.
                // Not stop words and not single letters: in names those are particles ("de", "van") and
                // initials, which a topical query's "a" or "of" must not find.
                let authorWords = (reading?.written ?? []).filter { $0.count > 1 && !index.analyzer.stopWords.contains($0.span) }
                let authors = try termAlternatives(authorWords, namespace: .author, field: .text)
                var ids: PlanNode?
                // Every arXiv id has a digit: words without one need no parsing.
                let hasDigit = text.utf8.contains { $0 >= 0x30 && $0 <= 0x39 }
                for token in hasDigit ? text.split(whereSeparator: { $0 == " " }) : [] where PaperID.arxivID(in: String(token)) != nil {
                    ids = PlanBuilder.either(ids, try idNode(String(token), field: .text))
                }
                let acronyms = expandingAcronyms && !negated ? try acronymExpansions(text, analysed: analysedPositions) : nil
                let found = PlanBuilder.either(PlanBuilder.either(PlanBuilder.either(words, acronyms), authors), ids)
                // A word no paper holds, of four letters or more: its nearest spellings; a word few papers hold
                // (and no author's name): also the near spellings many more papers use.
                if correcting, !negated, case .nothing = found ?? .nothing, let corrected = try correction(of: text) {
                    return corrected
                }
                if correcting, !negated, authors == nil || PlanBuilder.termCount(authors) == 0, analysed.count == 1,
                   let word = words.map(PlanBuilder.terms(of:)), word.count == 1,
                   plan.terms[word[0]].indexed.documentFrequency <= Query.rareFrequency, queryIsShort(),
                   try !isDefinedAcronym(analysed[0]),
                   let corrected = try correction(of: text, heldBy: plan.terms[word[0]].indexed.documentFrequency) {
                    return PlanBuilder.either(found, corrected)
                }
                return found
            }

        case let .phrase(text, field) where field == .author:
            // One author's name: its words in any order, one-letter words as initials.
            let parts = PlanBuilder.keywordAnalyzer.terms(text).map(AuthorName.queryTerm)
            guard !parts.isEmpty else { return nil }
            var nodes: [[Int]] = []
            for part in parts {
                guard let index = try term(.author, part, field: field) else { return .nothing }
                nodes.append([index])
            }
            return nodes.count == 1 ? .term(nodes[0][0]) : .author(parts: nodes)

        case let .phrase(text, field) where field == .category || field == .id || field == .venue:
            return try node(.words(text, field: field), negated: negated)

        case let .phrase(text, field):
            let analyzer = PlanBuilder.namespace(of: field) == .text ? index.analyzer : PlanBuilder.keywordAnalyzer
            let spellings = PhraseSpellings(analyzer.phraseTokens(text, scratch: &scratch.analysis))
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
            // A category prefix keeps its punctuation ("cs.c*"); other fields' prefixes are folded words.
            let folded = field == .category ? PaperAnalyzer.keyword(text)
                                            : PlanBuilder.keywordAnalyzer.tokens(text).compactMap(\.indexedTerm).joined()
            guard !folded.isEmpty else { return nil }
            // "quantization*" should find "quantiz" (the stem); use the stem when it is a prefix of the word
            // (as spelled in the index: "quantisation*" too).
            var prefix = folded
            if namespace == .text && index.analyzer.stemmer != .none {
                prefix = SpellingVariants.americanize(folded)
                var stem = Array(folded.utf8)
                index.analyzer.stem(&stem)
                if !stem.isEmpty && prefix.utf8.starts(with: stem) { prefix = String(decoding: stem, as: UTF8.self) }
            }
            // Every term with the prefix is read (within the query's budget), so the most frequent are kept.
            let expansions: [([UInt8], IndexedTerm)], truncated: Bool
            do {
                (expansions, truncated) = try index.terms(withPrefix: [namespace.rawValue] + Array(prefix.utf8), limit: prefixScanBudget)
            } catch { throw .index(error) }
            prefixScanBudget -= expansions.count
            if truncated {
                throw .query(QueryError(position: 0, message: "'\(text)*' and the query's other prefixes match more than \(Query.prefixScanLimit) words; give more letters", query: ""))
            }
            let kept = expansions.sorted {
                $0.1.documentFrequency > $1.1.documentFrequency
                    || ($0.1.documentFrequency == $1.1.documentFrequency && $0.0.lexicographicallyPrecedes($1.0))
            }.prefix(Query.prefixLimit)
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

        case let .fuzzy(text, distance, field):
            return try fuzzy(text, distance: distance, field: field)

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
            if expandingAcronyms && !negated { optionalNodes += try shortForms(ofWordClauses: should) }
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

    /// Any of `terms` in a namespace (each looked up once); nil when there are none, `.nothing` when none is
    /// in the index.
    private mutating func termAlternatives(_ terms: [[UInt8]], namespace: FieldNamespace, field: QueryField) throws(Failure) -> PlanNode? {
        if terms.count == 1 {
            // The commonest case, one word: no repeats to look for.
            guard !terms[0].isEmpty else { return nil }
            return try term(namespace, terms[0], field: field).map { .term($0) } ?? .nothing
        }
        var alternatives: [PlanNode] = []
        // A query has a few words: a linear search finds repeats without hashing them into a set.
        var seen: [[UInt8]] = []
        for bytes in terms where !bytes.isEmpty && !seen.contains(bytes) {
            seen.append(bytes)
            if let index = try term(namespace, bytes, field: field) { alternatives.append(.term(index)) }
        }
        if seen.isEmpty { return nil }
        if alternatives.isEmpty { return .nothing }
        return alternatives.count == 1 ? alternatives[0] : .anyOf(alternatives)
    }

    /// Keywords matched whole (categories, a whole venue): the text folded, or with `splitting` each of its
    /// space-separated parts.
    private mutating func keywords(_ text: String, namespace: FieldNamespace, field: QueryField, splitting: Bool = true) throws(Failure) -> PlanNode? {
        let keyword = PaperAnalyzer.keyword(text)
        let parts = splitting ? keyword.split(separator: " ").map { Array($0.utf8) } : [Array(keyword.utf8)]
        return try termAlternatives(parts, namespace: namespace, field: field)
    }

    /// The paper an id names (however written: see `PaperID.lookupForms`).
    private mutating func idNode(_ text: String, field: QueryField) throws(Failure) -> PlanNode? {
        let forms = PaperID.lookupForms(text).filter { !$0.isEmpty }
        guard !forms.isEmpty else { return nil }
        for form in forms {
            if let index = try term(.id, Array(form.utf8), field: field) { return .term(index) }
        }
        return .nothing
    }

    /// Either of two alternatives (a missing one, or one that cannot match, drops out).
    private static func either(_ first: PlanNode?, _ second: PlanNode?) -> PlanNode? {
        guard let first else { return second }
        guard let second else { return first }
        if case .nothing = first { return second }
        if case .nothing = second { return first }
        var children: [PlanNode] = []
        for node in [first, second] {
            if case let .anyOf(inner) = node { children += inner } else { children.append(node) }
        }
        return .anyOf(children)
    }

    /// Whether any of the clauses has searchable words (so that "nothing matched" is not "nothing asked").
    private func hadSearchable(_ clauses: [Query]) -> Bool {
        clauses.contains { clause in
            switch clause {
            case let .words(text, field), let .phrase(text, field), let .prefix(text, field), let .fuzzy(text, _, field):
                return !analyze(text, field: field).isEmpty
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

    /// `tokens` as `Analyzer.phraseTokens` gives them.
    init(_ tokens: [(term: [UInt8]?, position: Int)]) {
        var index = 0
        while index < tokens.count {
            // Tokens at one position: one word, or a compound's parts followed by its joined form.
            var end = index + 1
            while end < tokens.count && tokens[end].position == tokens[index].position { end += 1 }
            let group = tokens[index..<end]
            if group.count == 1 {
                slots.append(group[index].term.map { .word($0) } ?? .gap)
            } else if let joined = group.last?.term {
                slots.append(.compound(parts: group.dropLast().map(\.term), joined: joined))
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
