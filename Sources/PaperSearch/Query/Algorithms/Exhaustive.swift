/// The plain algorithm: walk every document the query's boolean structure matches and score it with every
/// scoring term. It serves queries of any shape, and is the oracle the pruned algorithms are tested against.
enum Exhaustive {
    /// Returns the matches counted. `cursors`: one for each of the plan's terms (`PlanScorer`).
    static func run(scorer: PlanScorer, cursors: inout [PostingsCursor], root: Matcher, topK: inout TopK) -> Int {
        var matches = 0
        while root.document != PostingsCursor.exhausted {
            let candidate = root.document
            if scorer.context.isLive(candidate) {
                matches += 1
                topK.insert(candidate, score: scorer.score(candidate, cursors: &cursors))
            }
            root.next()
        }
        return matches
    }
}

/// A plan's score for documents asked in increasing order: its ungrouped scoring terms' contributions, and
/// of each group of `SearchPlan.alternatives` the best form (the sum of its terms' contributions). Every
/// path that scores a plan's matches one by one uses it — the exhaustive path, the candidates of
/// `SearchPlan.Shape.disjunctionOfForms`, the scores of a date-ordered page — so they agree.
///
/// The cursors (one for each of the plan's terms) are the caller's and passed in: held here, every
/// contribution would read the scoring context while the cursors are written, and Swift would copy the
/// context (retaining what it references) to keep the two accesses apart.
struct PlanScorer {
    let context: ScoringContext
    private let weights: [TermWeight]
    private let ungrouped: [Int]
    private let forms: AlternativeForms

    init(plan: SearchPlan, context: ScoringContext) {
        self.context = context
        weights = plan.terms.map(TermWeight.init)
        ungrouped = plan.ungroupedScoringTerms
        forms = AlternativeForms(plan.alternatives)
    }

    /// The cursors move forward to `document`.
    @inline(__always)
    func score(_ document: UInt32, cursors: inout [PostingsCursor]) -> Double {
        var score = 0.0
        for term in ungrouped {
            cursors[term].advance(to: document)
            if cursors[term].document == document, let contribution = context.contribution(&cursors[term], weights[term]) {
                score += contribution
            }
        }
        if forms.groupCount > 0 { score += bestForms(document, &cursors) }
        return score
    }

    /// What the groups of alternatives add to `document`'s score: each group's best form.
    private func bestForms(_ document: UInt32, _ cursors: inout [PostingsCursor]) -> Double {
        var score = 0.0
        for g in 0..<forms.groupCount {
            var best = 0.0
            for f in forms.groupStart[g]..<forms.groupStart[g + 1] {
                var sum = 0.0
                for k in forms.formStart[f]..<forms.formStart[f + 1] {
                    let term = forms.terms[k]
                    cursors[term].advance(to: document)
                    if cursors[term].document == document, let contribution = context.contribution(&cursors[term], weights[term]) {
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
}
