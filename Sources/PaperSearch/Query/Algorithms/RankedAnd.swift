/// Top-k for "all of these, and any of those", with block-max pruning (Ding and Suel's block-max AND, as
/// PISA's ranked AND and Lucene's `BlockMaxConjunctionScorer` do it):
///
/// - Each required clause is a term or a few alternative terms (a word, and the author name it also is): a
///   paper matches the clause when it holds any of them, and every term it holds adds to its score.
/// - Candidates come from the intersection of the clauses, leapfrogging from the rarest: each clause moves
///   to the candidate, and one that overshoots names the next candidate. Filters and exclusions are checked,
///   and optional terms add to the score.
/// - Phrases are checked in two phases (as Lucene's two-phase iterators do): a phrase's words are clauses,
///   so a candidate holds them all and is scored from their frequencies (a phrase scores as its words do);
///   only then, and only while counting or when the score can enter the top k, are their positions read,
///   from the same cursors.
/// - Every match is counted until `countLimit` have been (`SearchOptions.countLimit`; Lucene counts to
///   1,000), so small counts are exact.
///   Past that, with the top k full, the documents are cut into windows that end where the first of the
///   required terms' blocks ends; a window whose block maxima (with the optional terms' list bounds) add up
///   to no more than the threshold cannot hold a paper that enters the top k, and is skipped undecoded. Once
///   a window has been skipped, the count is a lower bound.
///
/// Scores are sums of quantized contributions (`BM25.quantized`), the same in any order, and a window is only
/// skipped when its bound does not exceed the threshold (a tie never enters, `TopK`): the hits are those
/// of the exhaustive path exactly.
enum RankedAnd {
    /// Returns the matches counted and whether that count is exact. `listBounds[t]` bounds term `t`'s
    /// contribution to any paper of the segment (read for the optional terms and for required ones without
    /// a skip table); `countLimit` is how many matches to count before pruning.
    static func run(
        terms: [PlanTerm], required: [[Int]], optional: [Int], listBounds: [Double], phrases: [SearchPlan.PhraseCheck],
        cursors: inout [PostingsCursor], context: ScoringContext,
        filters: [Matcher], exclusions: [Matcher], countLimit: Int, topK: inout TopK
    ) -> (matches: Int, exact: Bool) {
        guard !required.isEmpty else { return (0, true) }
        func cost(_ clause: [Int]) -> Int { clause.reduce(0) { $0 + cursors[$1].documentFrequency } }
        let lead = required.sorted { cost($0) < cost($1) }
        var clauseTerms: [Int] = [], clauseStart: [Int] = []
        for clause in lead {
            clauseStart.append(clauseTerms.count)
            clauseTerms += clause
        }
        clauseStart.append(clauseTerms.count)
        let weights = terms.map(TermWeight.init)
        let optionalBound = optional.reduce(0) { $0 + listBounds[$1] }
        // The cursors are used through a buffer pointer: a mutation through an array subscript checks the
        // array's uniqueness each time. Every index used is a term number below `cursors.count`.
        return unsafe cursors.withUnsafeMutableBufferPointer { cursors in
            var conjunction = unsafe BlockMaxConjunction(
                cursors: cursors, clauseTerms: clauseTerms, clauseStart: clauseStart, scored: Array(Set(clauseTerms)).sorted(),
                optional: optional, weights: weights, listBounds: listBounds, optionalBound: optionalBound, context: context,
                filters: filters, exclusions: exclusions,
                phrases: PhrasePositions(phrases: phrases))
            conjunction.run(countLimit: countLimit, &topK)
            return (conjunction.matches, !conjunction.skipped)
        }
    }
}

/// The state of one `RankedAnd` run (see there).
@safe private struct BlockMaxConjunction {
    let cursors: UnsafeMutableBufferPointer<PostingsCursor>
    /// The terms of the clauses, rarest clause first: clause `c` is `clauseTerms[clauseStart[c]..<clauseStart[c + 1]]`.
    let clauseTerms: [Int]
    let clauseStart: [Int]
    /// The distinct terms of the clauses.
    let scored: [Int]
    let optional: [Int]
    let weights: [TermWeight]
    let listBounds: [Double]
    let optionalBound: Double
    let context: ScoringContext
    let filters: [Matcher]
    let exclusions: [Matcher]
    var phrases: PhrasePositions
    private(set) var matches = 0
    /// Whether a window was skipped (the count is then a lower bound).
    private(set) var skipped = false

    init(cursors: UnsafeMutableBufferPointer<PostingsCursor>, clauseTerms: [Int], clauseStart: [Int], scored: [Int], optional: [Int],
         weights: [TermWeight], listBounds: [Double], optionalBound: Double, context: ScoringContext, filters: [Matcher],
         exclusions: [Matcher], phrases: PhrasePositions) {
        unsafe self.cursors = cursors
        self.phrases = phrases
        self.clauseTerms = clauseTerms
        self.clauseStart = clauseStart
        self.scored = scored
        self.optional = optional
        self.weights = weights
        self.listBounds = listBounds
        self.optionalBound = optionalBound
        self.context = context
        self.filters = filters
        self.exclusions = exclusions
    }

    var clauseCount: Int { clauseStart.count - 1 }

    /// Moves clause `c`'s terms to `target`; returns the first document at or after it that holds one of them.
    @inline(__always)
    private func advance(clause c: Int, to target: UInt32) -> UInt32 {
        unsafe cursors.advance(clauseTerms, clauseStart[c]..<clauseStart[c + 1], to: target)
    }

    mutating func run(countLimit: Int, _ topK: inout TopK) {
        var threshold = topK.threshold
        // The last document of the window whose bound beats the threshold (nil: none worked out yet, or the
        // threshold rose since).
        var windowEnd: UInt32?
        var target = advance(clause: 0, to: 0)
        search: while target != PostingsCursor.exhausted {
            if matches >= countLimit && threshold > -Double.infinity {
                while windowEnd.map({ target > $0 }) ?? true {
                    guard let (bound, end) = window(from: target) else { break search }
                    windowEnd = end
                    if bound > threshold { break }
                    skipped = true
                    if end == PostingsCursor.exhausted { break search }
                    target = end + 1
                }
            }
            // Bring every clause to `target`; restart from a later document when one overshoots.
            for c in 0..<clauseCount {
                let document = advance(clause: c, to: target)
                if document != target {
                    target = document
                    continue search
                }
            }
            let candidate = target
            target = candidate + 1  // candidate < exhausted here
            guard context.isLive(candidate), filters.allSatisfy({ $0.contains(candidate) }),
                  !exclusions.contains(where: { $0.contains(candidate) }) else {
                continue
            }
            var score = 0.0
            for term in scored where unsafe cursors[term].document == candidate {
                if let contribution = unsafe context.contribution(&cursors[term], weights[term]) { score += contribution }
            }
            for term in optional {
                unsafe cursors[term].advance(to: candidate)
                if unsafe cursors[term].document == candidate,
                   let contribution = unsafe context.contribution(&cursors[term], weights[term]) {
                    score += contribution
                }
            }
            if !phrases.isEmpty {
                // Positions only where they decide something: a match to count, or a paper that would enter.
                guard matches < countLimit || score > threshold else {
                    skipped = true
                    continue
                }
                guard unsafe phrases.stand(at: candidate, cursors) else { continue }
            }
            matches += 1
            if score > threshold {
                topK.insert(candidate, score: score)
                if topK.threshold > threshold {
                    threshold = topK.threshold
                    windowEnd = nil
                }
            }
        }
    }

    /// The window that starts at `target`: it ends where the first of the required terms' blocks holding
    /// `target` ends, and no paper in it scores above the returned bound. Nil when a clause's lists all end
    /// before `target` (nothing more can match).
    private func window(from target: UInt32) -> (bound: Double, end: UInt32)? {
        var bound = optionalBound
        var end = PostingsCursor.exhausted
        for c in 0..<clauseCount {
            var alive = false
            for k in clauseStart[c]..<clauseStart[c + 1] {
                let term = clauseTerms[k]
                guard unsafe cursors[term].shallowAdvance(to: target) else { continue }
                alive = true
                // Stored properties only: reading a computed one would copy the cursor to borrow it.
                if unsafe cursors[term].blockCount > 0 {
                    let skips = unsafe cursors[term].skipTable, block = unsafe cursors[term].shallowBlock
                    bound += context.blockBound(weights[term], skips, block: block)
                    end = min(end, skips.lastDocument(block))  // shallowAdvance found it, so block < blockCount
                } else {
                    bound += listBounds[term]
                }
            }
            if !alive { return nil }
        }
        return (bound, end)
    }
}
