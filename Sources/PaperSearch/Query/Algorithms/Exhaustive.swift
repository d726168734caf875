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
            if !alternatives.isEmpty { score += bestForms(alternatives, at: candidate, cursors: &cursors, terms: terms, context: context) }
            topK.insert(candidate, score: score)
            root.next()
        }
        return matches
    }

    /// What the groups of `SearchPlan.alternatives` add to `document`'s score: each group's best form (the
    /// sum of its terms' contributions). The cursors move forward to `document`.
    static func bestForms(_ alternatives: [[[Int]]], at document: UInt32, cursors: inout [PostingsCursor], terms: [TermWeight],
                          context: ScoringContext) -> Double {
        var score = 0.0
        for group in alternatives {
            var best = 0.0
            for form in group {
                var sum = 0.0
                for term in form {
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
