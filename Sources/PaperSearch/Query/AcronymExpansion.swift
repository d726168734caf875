/// Plain words with the acronyms the index learned (`SearchIndex.learnedAcronyms`, trusted pairs only): a
/// word that is a short form also finds its long forms, each as a phrase ("BNN" finds "binary neural
/// networks"), and words that are a long form also find its short form. The other form weighs
/// `Query.acronymDiscount` of the form the query wrote — of the acronym's idf for a long form, its words
/// sharing that weight in proportion to their own; of the long form's words' idfs together for an acronym —
/// so papers using the query's own words rank first and papers using only the other form rank among them.
/// Only in short queries (`Query.shortQueryWords`), and only for long forms that at least
/// `Query.acronymWordShare` of the papers holding the word define. A word asked for as written (`=BNN`) is not expanded,
/// nor are excluded words; a long form is found within one clause of plain words or across neighbouring ones.
extension PlanBuilder {
    /// The expansions of a plain-words clause, or nil when it has none; each is said in the plan's notices.
    /// `analysed`: the clause's terms and positions (`analyze`).
    mutating func acronymExpansions(_ text: String, analysed: [(term: [UInt8], position: Int)]) throws(Failure) -> PlanNode? {
        guard queryIsShort() else { return nil }
        var nodes: [PlanNode] = []
        var expanded = Set<[UInt8]>()
        for (term, _) in analysed where (2...10).contains(term.count) && expanded.insert(term).inserted {
            var longForms: [LearnedAcronym]
            do { longForms = try index.trustedLongForms(ofShortForm: term) } catch { throw .index(error) }
            // A word most papers use as a word is not expanded ("gap": 8 of 10,137 papers holding it define
            // it as global average pooling), nor are its rare meanings.
            guard !longForms.isEmpty, let found = try index(of: term) else { continue }
            longForms = longForms.filter { Double($0.papers) >= Query.acronymWordShare * Double(found.documentFrequency) }
            guard !longForms.isEmpty, let acronym = try self.term(.text, term, field: .text) else { continue }
            let written = analysed.count == 1 ? TextCleanup.collapsingWhitespace(text) : String(decoding: term, as: UTF8.self).uppercased()
            var forms = [[acronym]]
            for longForm in longForms {
                guard let phrase = try phrase(of: longForm, weighing: Query.acronymDiscount * plan.terms[acronym].weight) else { continue }
                nodes.append(phrase)
                // A compound's spellings share words ("vision-language models": visionlanguag model, and vision
                // languag model): each term once.
                forms.append(Array(Set(PlanBuilder.terms(of: phrase))).sorted())
                plan.notices.append("'\(written)' also searched as \"\(longForm.longForm)\" (=\(written) searches the word alone)")
            }
            addAlternatives(forms)
        }
        if analysed.count >= 2 { nodes += try shortForms(of: analysed.map { (term: Optional($0.term), position: $0.position) }) }
        if nodes.isEmpty { return nil }
        return nodes.count == 1 ? nodes[0] : .anyOf(nodes)
    }

    /// The short forms of the long forms in a query's plain words written as clauses of their own
    /// (`binary neural networks` parses as three), as optional terms.
    mutating func shortForms(ofWordClauses clauses: [Query]) throws(Failure) -> [PlanNode] {
        guard queryIsShort() else { return [] }
        var nodes: [PlanNode] = []
        var run: [String] = []
        func flush() throws(Failure) {
            if run.count >= 2 {
                let tokens = index.analyzer.tokens(run.joined(separator: " "))
                nodes += try shortForms(of: tokens.map { (term: $0.indexedTerm.map { Array($0.utf8) }, position: $0.position) })
            }
            run.removeAll()
        }
        for clause in clauses {
            if case let .words(text, .text) = clause { run.append(text) } else { try flush() }
        }
        try flush()
        return nodes
    }

    /// The short forms of the long forms among `tokens`: runs of two to eight positions.
    private mutating func shortForms(of tokens: [(term: [UInt8]?, position: Int)]) throws(Failure) -> [PlanNode] {
        var starts: [Int] = []
        for index in tokens.indices where index == 0 || tokens[index].position != tokens[index - 1].position { starts.append(index) }
        guard starts.count >= 2 else { return [] }
        var nodes: [PlanNode] = []
        for (s, start) in starts.enumerated() {
            // The word that starts a long form is its first position's last token (a compound's joined form).
            let firstEnd = s + 1 < starts.count ? starts[s + 1] : tokens.count
            guard let first = tokens[firstEnd - 1].term else { continue }
            // Most words start no long form: one dictionary probe says so.
            let probe = [FieldNamespace.acronym.rawValue, AcronymTerms.longFormTag] + first + [UInt8(ascii: " ")]
            do {
                let (found, truncated) = try index.terms(withPrefix: probe, limit: 1)
                guard !found.isEmpty || truncated else { continue }
            } catch { throw .index(error) }
            for e in (s + 2)..<(min(starts.count, s + 8) + 1) {
                let end = e < starts.count ? starts[e] : tokens.count
                guard tokens[end - 1].term != nil, let key = AcronymTerms.longFormKey(tokens[start..<end]) else { continue }
                let acronyms: [LearnedAcronym]
                do { acronyms = try index.trustedShortForms(ofLongForm: key) } catch { throw .index(error) }
                guard !acronyms.isEmpty, let longWeight = try longFormWeight(key) else { continue }
                for acronym in acronyms {
                    let shortForm = Array(acronym.shortForm.utf8)
                    guard let found = try index(of: shortForm) else { continue }
                    let own = BM25.idf(documentFrequency: found.documentFrequency, documentCount: index.documentCount)
                    expansion = (Query.acronymDiscount * longWeight / own, "acronym of \(acronym.longForm)")
                    defer { expansion = nil }
                    if let term = try term(.text, shortForm, field: .text) {
                        nodes.append(.term(term))
                        // The query's own terms of the long form are the other form.
                        let written = key.split(separator: UInt8(ascii: " ")).compactMap {
                            termIndices[PlanBuilder.key(.text, .text, Array($0))]
                        }
                        addAlternatives([written, [term]])
                        plan.notices.append("\"\(acronym.longForm)\" also searched as \(acronym.shortForm.uppercased())")
                    }
                }
            }
        }
        return nodes
    }

    /// A long form as a phrase (as the papers most often write it, so a compound matches written either way)
    /// whose terms weigh `weight` together, shared in proportion to their idfs; nil when a word of it is in no
    /// live paper.
    private mutating func phrase(of longForm: LearnedAcronym, weighing weight: Double) throws(Failure) -> PlanNode? {
        guard let total = try longFormWeight(longForm.longFormKey) else { return nil }
        expansion = (weight / total, "in \(longForm.longForm), for \(longForm.shortForm.uppercased())")
        defer { expansion = nil }
        guard let node = try node(.phrase(longForm.longForm, field: .text), negated: false) else { return nil }
        if case .nothing = node { return nil }
        return node
    }

    /// Records forms of one thing as alternatives (`SearchPlan.alternatives`), unless a term of them is in a
    /// group already (a term scores in one group at most) or there is only one form.
    private mutating func addAlternatives(_ forms: [[Int]]) {
        let forms = forms.filter { !$0.isEmpty }
        let grouped = Set(plan.alternatives.joined().joined())
        guard forms.count > 1, !forms.joined().contains(where: grouped.contains),
              Set(forms.joined()).count == forms.joined().count else { return }
        plan.alternatives.append(forms)
    }

    /// Every term of a node.
    static func terms(of node: PlanNode) -> [Int] {
        switch node {
        case let .term(index): return [index]
        case let .anyOf(children): return children.flatMap(terms(of:))
        case let .phrase(groups, _): return groups.flatMap(\.terms)
        case let .author(parts): return Array(parts.joined())
        case let .boolean(must, should, mustNot): return (must + should + mustNot).flatMap(terms(of:))
        case .years, .nothing: return []
        }
    }

    /// The idfs of a long form's words summed; nil when one is in no live paper.
    private func longFormWeight(_ key: [UInt8]) throws(Failure) -> Double? {
        var total = 0.0
        for word in key.split(separator: UInt8(ascii: " ")) {
            guard let found = try index(of: Array(word)) else { return nil }
            total += BM25.idf(documentFrequency: found.documentFrequency, documentCount: index.documentCount)
        }
        return total
    }

    private func index(of word: [UInt8]) throws(Failure) -> IndexedTerm? {
        do { return try index.lookup(.text, word) } catch { throw .index(error) }
    }

    /// Whether the query is short (`Query.shortQueryWords`).
    mutating func queryIsShort() -> Bool { queryWordCount() <= Query.shortQueryWords }

    /// How many terms the query's words make (counted once).
    mutating func queryWordCount() -> Int {
        if let counted = countedWords { return counted }
        let counted = wordCount(query)
        countedWords = counted
        return counted
    }

    /// The terms of the plain words of a query (title and abstract fields), counted as the analyzer makes them.
    private func wordCount(_ query: Query) -> Int {
        switch query {
        case let .words(text, field) where field == .text || field == .title || field == .abstract:
            return analyze(text, field: field).count
        case let .boolean(must, should, _): return (must + should).reduce(0) { $0 + wordCount($1) }
        default: return 0
        }
    }
}
