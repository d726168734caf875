/// The plain algorithm: walk every document the query's boolean structure matches and score it with every
/// scoring term. It serves queries of any shape, and is the oracle the pruned algorithms are tested against.
enum Exhaustive {
    /// `scoring` terms add up; of each group of `alternatives` the best form counts (`SearchPlan.alternatives`).
    static func run(
        terms: [PlanTerm], scoring: [Int], alternatives: [[[Int]]], cursors: inout [PostingsCursor], context: ScoringContext,
        root: Matcher, topK: inout TopK
    ) -> Int {
        var matches = 0
        let terms = terms.map(TermWeight.init)
        let forms = AlternativeForms(alternatives)
        while root.document != PostingsCursor.exhausted {
            let candidate = root.document
            guard context.isLive(candidate) else {
                root.next()
                continue
            }
            matches += 1
            var score = 0.0
            for term in scoring {
                cursors[term].advance(to: candidate)
                if cursors[term].document == candidate, let contribution = context.contribution(&cursors[term], terms[term]) {
                    score += contribution
                }
            }
            if !forms.isEmpty { score += bestForms(forms, at: candidate, cursors: &cursors, terms: terms, context: context) }
            topK.insert(candidate, score: score)
            root.next()
        }
        return matches
    }

    /// What the groups of `SearchPlan.alternatives` add to `document`'s score: each group's best form (the
    /// sum of its terms' contributions). The cursors move forward to `document`.
    static func bestForms(_ forms: AlternativeForms, at document: UInt32, cursors: inout [PostingsCursor], terms: [TermWeight],
                          context: ScoringContext) -> Double {
        var score = 0.0
        for g in 0..<forms.groupCount {
            var best = 0.0
            for f in forms.groupStart[g]..<forms.groupStart[g + 1] {
                var sum = 0.0
                for k in forms.formStart[f]..<forms.formStart[f + 1] {
                    let term = forms.terms[k]
                    cursors[term].advance(to: document)
                    if cursors[term].document == document, let contribution = context.contribution(&cursors[term], terms[term]) {
                        sum += contribution
                    }
                }
                best = max(best, sum)
            }
            score += best
        }
        return score
    }
}

/// `SearchPlan.alternatives` as flat arrays of numbers, so that scoring a document walks them without
/// retaining nested arrays: group `g`'s forms are `groupStart[g]..<groupStart[g + 1]`, form `f`'s terms
/// `terms[formStart[f]..<formStart[f + 1]]`.
struct AlternativeForms {
    let groupStart: [Int]
    let formStart: [Int]
    let terms: [Int]

    init(_ alternatives: [[[Int]]]) {
        var groupStart = [0], formStart = [0], terms: [Int] = []
        for group in alternatives {
            for form in group {
                terms += form
                formStart.append(terms.count)
            }
            groupStart.append(formStart.count - 1)
        }
        (self.groupStart, self.formStart, self.terms) = (groupStart, formStart, terms)
    }

    var groupCount: Int { groupStart.count - 1 }
    var isEmpty: Bool { groupCount == 0 }
}

/// The score of a plan with alternatives (`SearchPlan.alternatives`) for documents asked in increasing
/// order: its ungrouped scoring terms' contributions and each group's best form, from cursors of its own —
/// what `Exhaustive.run` gives each match.
struct FormScorer {
    private var cursors: [PostingsCursor]
    private let weights: [TermWeight]
    private let ungrouped: [Int]
    private let forms: AlternativeForms
    private let context: ScoringContext

    init(plan: SearchPlan, cursors: [PostingsCursor], context: ScoringContext) {
        self.cursors = cursors
        weights = plan.terms.map(TermWeight.init)
        ungrouped = plan.ungroupedScoringTerms
        forms = AlternativeForms(plan.alternatives)
        self.context = context
    }

    mutating func score(_ document: UInt32) -> Double {
        var score = 0.0
        for term in ungrouped {
            cursors[term].advance(to: document)
            if cursors[term].document == document, let contribution = context.contribution(&cursors[term], weights[term]) {
                score += contribution
            }
        }
        return score + Exhaustive.bestForms(forms, at: document, cursors: &cursors, terms: weights, context: context)
    }

    var damage: String? { cursors.lazy.compactMap(\.damage).first }
}
