/// Top-k for "all of these, and any of those", with block-max pruning (Ding and Suel's block-max AND, as
/// PISA's ranked AND and Lucene's `BlockMaxConjunctionScorer` do it):
///
/// - Each required clause is a term or a few alternative terms (a word, and the author name it also is): a
///   paper matches the clause when it holds any of them, and every term it holds adds to its score.
/// - Candidates come from the intersection of the clauses, leapfrogging from the rarest: each clause moves
///   to the candidate, and one that overshoots names the next candidate. Filters and exclusions are checked,
///   and optional terms add to the score.
/// - Phrases are checked in two phases (as Lucene's two-phase iterators do): a phrase's words are clauses,
///   so a candidate holds them all, and is scored from their frequencies (a phrase scores as its words do).
///   (A phrase of several spellings, a quoted compound's, makes clauses of the groups every spelling needs;
///   its other words are optional terms.) Their positions are read from the same cursors: while matches are
///   being counted, before scoring (only papers where the phrases stand are scored); past the count, only
///   for a paper whose score would enter the top k.
/// - Every match is counted until `countLimit` have been (`SearchOptions.countLimit`; Lucene counts to
///   1,000), so small counts are exact.
///   Past that, with the top k full, the documents are cut into windows that end with the rarest clause's
///   blocks (as Lucene's follow its lead's), each other term bounded by its largest block maximum there; a
///   window whose bounds (with the optional terms' list bounds) add up to no more than the threshold cannot
///   hold a paper that enters the top k, and is skipped undecoded. Once
///   a window has been skipped, the count is a lower bound. Within a window, the rarest clause's document is
///   first tested from its frequencies alone (`FrequencyCutoff`, as Lucene's `BlockMaxConjunctionBulkScorer`
///   scores its lead before moving the other clauses), and a match is scored clause by clause, rarest first,
///   and given up (still counted) as soon as its score so far plus the later clauses' block maxima cannot
///   beat the threshold.
/// - A clause of several terms is mostly a word and the far rarer author name it also is (`minorTerms`).
///   Windows are cut at the papers that hold a rarer term, so that the papers between are bounded by the
///   clauses' longest lists alone: where those (with the optional terms) cannot beat the threshold, only a
///   paper that holds one of the rarer terms can enter, and candidates come from those terms' lists alone,
///   as MaxScore leads by its essential lists; where they can, the rarest clause's documents are tested
///   from their frequencies as above, against a budget the names do not use up. (On the synthetic corpora,
///   where authors are drawn from real names, `+image +deep` ranks papers by authors named Deep or Image:
///   the word lists alone, 110,000 papers, cannot enter.)
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
        // Room for every term (and the minor terms after them) and every clause's start at once.
        clauseTerms.reserveCapacity(2 * lead.reduce(0) { $0 + $1.count })
        clauseStart.reserveCapacity(lead.count + 1)
        for clause in lead {
            clauseStart.append(clauseTerms.count)
            clauseTerms += clause
        }
        clauseStart.append(clauseTerms.count)
        let weights = terms.map(TermWeight.init)
        let optionalBound = optional.reduce(0) { $0 + listBounds[$1] }
        // Each clause's longest list is its main term; the others are minor. Leading by the minor terms pays
        // when their lists are far shorter than the rarest clause's.
        var minor: [Int] = []
        for clause in lead {
            guard let main = clause.max(by: { cursors[$0].documentFrequency < cursors[$1].documentFrequency }) else { continue }
            for term in clause where term != main && !minor.contains(term) { minor.append(term) }
        }
        if 8 * minor.reduce(0, { $0 + cursors[$1].documentFrequency }) <= cost(lead[0]) { clauseTerms += minor }
        // The cursors are used through a buffer pointer: a mutation through an array subscript checks the
        // array's uniqueness each time. Every index used is a term number below `cursors.count`.
        return unsafe cursors.withUnsafeMutableBufferPointer { cursors in
            let conjunction = unsafe BlockMaxConjunction(
                cursors: cursors, clauseTerms: clauseTerms, clauseStart: clauseStart, optional: optional, weights: weights,
                listBounds: listBounds, optionalBound: optionalBound, context: context, filters: filters, exclusions: exclusions)
            return conjunction.run(countLimit: countLimit, phrases: PhrasePositions(phrases: phrases), &topK)
        }
    }
}

/// One `RankedAnd` run (see there). Its state lives in `run`'s locals, so that `run` need not be mutating:
/// from a mutating method, each call of a stored property's method copied the property (the scoring
/// context, 232 bytes).
@safe private struct BlockMaxConjunction {
    let cursors: UnsafeMutableBufferPointer<PostingsCursor>
    /// The terms of the clauses, rarest clause first: clause `c` is `clauseTerms[clauseStart[c]..<clauseStart[c + 1]]`;
    /// then the minor terms (`minorTerms`).
    let clauseTerms: [Int]
    let clauseStart: [Int]
    /// The terms whose contributions clause `c` adds, `scoredTerms[scoredStart[c]..<scoredStart[c + 1]]`:
    /// each term of the clauses in the first clause that holds it, so that no term is scored twice.
    let scoredTerms: [Int]
    let scoredStart: [Int]
    let optional: [Int]
    let weights: [TermWeight]
    let listBounds: [Double]
    let optionalBound: Double
    let context: ScoringContext
    let filters: [Matcher]
    let exclusions: [Matcher]

    init(cursors: UnsafeMutableBufferPointer<PostingsCursor>, clauseTerms: [Int], clauseStart: [Int], optional: [Int],
         weights: [TermWeight], listBounds: [Double], optionalBound: Double, context: ScoringContext, filters: [Matcher],
         exclusions: [Matcher]) {
        unsafe self.cursors = cursors
        self.clauseTerms = clauseTerms
        self.clauseStart = clauseStart
        // A query's few terms: a linear search finds those already scored without hashing them into a set.
        var scoredTerms: [Int] = [], scoredStart = [0]
        for c in 0..<clauseStart.count - 1 {
            for term in clauseTerms[clauseStart[c]..<clauseStart[c + 1]] where !scoredTerms.contains(term) { scoredTerms.append(term) }
            scoredStart.append(scoredTerms.count)
        }
        self.scoredTerms = scoredTerms
        self.scoredStart = scoredStart
        self.optional = optional
        self.weights = weights
        self.listBounds = listBounds
        self.optionalBound = optionalBound
        self.context = context
        self.filters = filters
        self.exclusions = exclusions
        singleTermClauses = clauseStart[clauseStart.count - 1] == clauseStart.count - 1
        let minor = clauseTerms[clauseStart[clauseStart.count - 1]...]
        var mainTerms: [Int] = []
        if !minor.isEmpty {
            for c in 0..<clauseStart.count - 1 {
                let main = clauseTerms[clauseStart[c]..<clauseStart[c + 1]].filter { !minor.contains($0) }
                guard main.count == 1 else {
                    mainTerms = []
                    break
                }
                mainTerms.append(main[0])
            }
        }
        self.mainTerms = mainTerms
        plainWords = singleTermClauses && scoredTerms.allSatisfy { weights[$0].namespace == .text && weights[$0].field == .text }
    }

    /// The clauses' terms that are not their clause's longest list, when their lists together are far
    /// shorter than the rarest clause's (else none): in a window where the other terms cannot beat the
    /// threshold, candidates come from these lists (a few terms: an author name for some of the words).
    /// They follow the clauses in `clauseTerms`.
    var minorTerms: ArraySlice<Int> { clauseTerms[clauseStart[clauseCount]...] }
    /// Whether every clause is one term (`clauseTerms` then lists them, rarest first). Stored: the search
    /// loop asks at every step.
    let singleTermClauses: Bool
    /// Whether every clause is one word of the title and abstract (`plainWordsScore` scores them).
    let plainWords: Bool
    /// With minor terms, each clause's main term (the one that is not minor), rarest clause first; empty without
    /// minor terms, or when a clause has no main term or several. A paper that holds no minor term matches
    /// when it holds all of these.
    let mainTerms: [Int]
    /// The rarest clause's main term: its only term, or the one that is not a minor term.
    var leadMain: Int { clauseTerms[clauseStart[0]..<clauseStart[1]].first { !minorTerms.contains($0) } ?? clauseTerms[0] }

    var clauseCount: Int { clauseStart.count - 1 }

    /// Moves clause `c`'s terms to `target`; returns the first document at or after it that holds one of them.
    @inline(__always)
    private func advance(clause c: Int, to target: UInt32) -> UInt32 {
        unsafe cursors.advance(clauseTerms, clauseStart[c]..<clauseStart[c + 1], to: target)
    }

    /// What clause `c`'s scored terms add to the score of `candidate`, on which its cursors stand or beyond.
    @inline(__always)
    private func clauseScore(_ c: Int, _ candidate: UInt32) -> Double {
        var score = 0.0
        for k in scoredStart[c]..<scoredStart[c + 1] {
            let term = scoredTerms[k]
            if unsafe cursors[term].document == candidate,
               let contribution = unsafe context.contribution(&cursors[term], weights[term]) {
                score += contribution
            }
        }
        return score
    }

    /// The score of `candidate`, on which every clause's term stands, when the clauses are `plainWords`:
    /// `clauseScore` summed over the clauses, with the paper's field lengths read once for all of them.
    @inline(__always)
    private func plainWordsScore(_ candidate: UInt32) -> Double {
        let lengths = context.norms.lengths(candidate)
        var score = 0.0
        for term in scoredTerms { score += plainWordContribution(term, lengths) }
        return score
    }

    /// What a plain word adds to the score of the paper its cursor stands on, whose field lengths are `lengths`
    /// (`BM25.Scorer.contribution`, the contribution `ScoringContext.contribution` makes: the same bits).
    @inline(__always)
    private func plainWordContribution(_ term: Int, _ lengths: (title: UInt32, abstract: UInt32)) -> Double {
        unsafe context.scorer.contribution(weight: weights[term].weight, titleFrequency: cursors[term].titleFrequency,
                                           abstractFrequency: cursors[term].abstractFrequency,
                                           titleLength: lengths.title, abstractLength: lengths.abstract)
    }

    /// Returns the matches counted and whether that count is exact.
    func run(countLimit: Int, phrases: consuming PhrasePositions, _ topK: inout TopK) -> (matches: Int, exact: Bool) {
        let hasPhrases = !phrases.isEmpty
        let leadMain = self.leadMain
        // Checked per candidate; read once (calling `context.isLive` here copied the whole context each time).
        let deletions = context.deletions
        var matches = 0
        // Whether a window or a phrase's candidate was passed over (the count is then a lower bound).
        var skipped = false
        // In the current window, `laterBound[c]` bounds what the clauses after `c` and the optional terms
        // add to a paper's score.
        var laterBound = [Double](repeating: 0, count: clauseCount)
        // In the current window, whether the rarest clause's document can be passed over from its frequencies.
        var leadCutoff = FrequencyCutoff.never
        var threshold = topK.threshold
        // The last document of the window whose bound beats the threshold (nil: none worked out yet, or the
        // threshold rose since).
        var windowEnd: UInt32?
        // Whether that window holds no paper with a minor term (`window`), so the main terms lead there.
        var mainOnlyWindow = false
        var target = advance(clause: 0, to: 0)
        search: while target != PostingsCursor.exhausted {
            let pruning = matches >= countLimit && threshold > -Double.infinity
            if pruning {
                while windowEnd.map({ target > $0 }) ?? true {
                    guard let (bound, end, mainOnly) = window(from: target, threshold: threshold, laterBound: &laterBound) else {
                        break search
                    }
                    windowEnd = end
                    mainOnlyWindow = mainOnly && !mainTerms.isEmpty
                    if bound > threshold {
                        leadCutoff = self.leadCutoff(budget: threshold - laterBound[0], mainOnly: mainOnly)
                        break
                    }
                    skipped = true
                    if end == PostingsCursor.exhausted { break search }
                    target = end + 1
                }
            }
            // Bring every clause to `target`; restart from a later document when one overshoots. While pruning,
            // the rarest clause's document is first tested from its frequencies (as Lucene's block-max
            // conjunction scores its lead before moving the others): most can be passed over without moving
            // the other clauses to them or reading their lengths. Clauses of one term each are moved by the
            // loops written out for them: the leapfrog before pruning, the lead then the others while pruning.
            if singleTermClauses && !pruning {
                target = unsafe cursors.leapfrog(clauseTerms, from: target)
                if target == PostingsCursor.exhausted { break search }
            } else if singleTermClauses, let windowEnd {
                target = leapfrog(clauseTerms, from: target, through: windowEnd, leadCutoff, skipped: &skipped)
                if target > windowEnd || target == PostingsCursor.exhausted { continue search }
            } else if pruning, let windowEnd {
                if mainOnlyWindow {
                    // A window before the next paper holding a minor term: the clauses are their main terms there.
                    // Past it, the search goes on from that paper at the latest, which the main terms may lack.
                    target = leapfrog(mainTerms, from: target, through: windowEnd, leadCutoff, skipped: &skipped)
                    if target > windowEnd { target = min(target, firstMinorDocument(from: windowEnd + 1)) }
                } else {
                    target = leapfrog(clausesFrom: target, through: windowEnd, leadMain: leadMain, leadCutoff, skipped: &skipped)
                }
                if target > windowEnd || target == PostingsCursor.exhausted { continue search }
            } else if !mainTerms.isEmpty {
                target = leapfrog(mainTermsFrom: target)
                if target == PostingsCursor.exhausted { break search }
            } else {
                for c in 0..<clauseCount {
                    let document = advance(clause: c, to: target)
                    if document != target {
                        target = document
                        continue search
                    }
                }
            }
            let candidate = target
            target = candidate + 1  // candidate < exhausted here
            guard deletions.isLive(candidate), filters.allSatisfy({ $0.contains(candidate) }),
                  !exclusions.contains(where: { $0.contains(candidate) }) else {
                continue
            }
            // A match still to count needs its positions whatever it scores: read them first, and score only
            // the papers where the phrases stand (most that hold a phrase's words do not).
            let positionsFirst = hasPhrases && !pruning
            if positionsFirst {
                guard unsafe phrases.stand(at: candidate, cursors) else { continue }
            }
            var score = 0.0
            if pruning {
                // `candidate` lies in the window (checked before the clauses moved), so `laterBound` applies.
                var competitive = true
                // Plain words: the paper's field lengths read once, for all the clauses that are scored.
                var lengths: (title: UInt32, abstract: UInt32) = (0, 0)
                if plainWords { lengths = context.norms.lengths(candidate) }
                for c in 0..<clauseCount {
                    if plainWords {
                        for k in scoredStart[c]..<scoredStart[c + 1] { score += plainWordContribution(scoredTerms[k], lengths) }
                    } else {
                        score += clauseScore(c, candidate)
                    }
                    if score + laterBound[c] <= threshold {
                        competitive = false
                        break
                    }
                }
                guard competitive else {
                    // A match all the same, unless a phrase's positions would say otherwise.
                    if hasPhrases { skipped = true } else { matches += 1 }
                    continue
                }
            } else {
                if plainWords {
                    score = plainWordsScore(candidate)
                } else {
                    for c in 0..<clauseCount { score += clauseScore(c, candidate) }
                }
            }
            for term in optional {
                unsafe cursors[term].advance(to: candidate)
                if unsafe cursors[term].document == candidate,
                   let contribution = unsafe context.contribution(&cursors[term], weights[term]) {
                    score += contribution
                }
            }
            if hasPhrases && !positionsFirst {
                // Past the count, positions only where they decide something: a paper that would enter.
                guard score > threshold else {
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
        return (matches, !skipped)
    }

    /// While pruning, with clauses of one term each, `terms` (`clauseTerms`, or `mainTerms` in a window that no
    /// minor term reaches): the first document from `target` through `windowEnd` that every clause holds, or
    /// the first document past the window a clause moved to (or exhausted), where the search works out the
    /// next window. The rarest clause leads, its documents first tested from their frequencies against
    /// `cutoff` (`passOverLead`); `skipped` is set when one is passed over. Each overshoot within the window
    /// goes round this loop alone (round the whole search loop, it cost a dense conjunction a quarter more than
    /// counting every match); out of line, as written into the search loop it cost the counting phase of
    /// phrases 3% more instructions.
    @inline(never)
    private func leapfrog(_ terms: [Int], from start: UInt32, through windowEnd: UInt32, _ cutoff: FrequencyCutoff,
                          skipped: inout Bool) -> UInt32 {
        let lead = terms[0]
        var target = start
        leapfrog: while true {
            unsafe cursors[lead].advance(to: target)
            if passOverLead(lead, windowEnd: windowEnd, cutoff) { skipped = true }
            target = unsafe cursors[lead].document
            if target > windowEnd { return target }
            for k in 1..<terms.count {  // one term a clause: term k is clause k's
                unsafe cursors[terms[k]].advance(to: target)
                let document = unsafe cursors[terms[k]].document
                if document != target {
                    target = document
                    if target > windowEnd { return target }
                    continue leapfrog
                }
            }
            return target
        }
    }

    /// While counting, with minor terms (`mainTerms`): the first document from `start` on that every clause
    /// holds (or exhausted). The main terms leapfrog as clauses of one term do, up to the next paper that
    /// holds a minor term, where every clause is asked; no cursor passes that paper before. (Clause by clause,
    /// each term of each clause moved to every candidate, a conjunction of words that are also authors'
    /// names took three times as long as one of words that are not.)
    @inline(never)
    private func leapfrog(mainTermsFrom start: UInt32) -> UInt32 {
        var target = start
        next: while true {
            let nextMinor = firstMinorDocument(from: target)
            let found = unsafe cursors.leapfrog(mainTerms, from: target, through: nextMinor)
            if found <= nextMinor { return found }  // exhausted when both are
            target = nextMinor
            for c in 0..<clauseCount {
                let document = advance(clause: c, to: target)
                if document != target {
                    if document == PostingsCursor.exhausted { return document }
                    target = document
                    continue next
                }
            }
            return target
        }
    }

    /// `leapfrog(_:from:through:_:skipped:)` for clauses of several terms (a word and the author name it also
    /// is): the rarest clause's main term `leadMain` is the one tested from its frequencies. (One loop for
    /// both, each passing how it moves a clause, cost 1M and-2 2.9% and and-3 5.2% more instructions.)
    @inline(never)
    private func leapfrog(clausesFrom start: UInt32, through windowEnd: UInt32, leadMain: Int, _ cutoff: FrequencyCutoff,
                          skipped: inout Bool) -> UInt32 {
        var target = start
        leapfrog: while true {
            for c in 0..<clauseCount {
                var document = advance(clause: c, to: target)
                if c == 0 && passOverLead(leadMain, windowEnd: windowEnd, cutoff) {
                    skipped = true
                    document = leadDocument(from: target)
                }
                if document != target {
                    target = document
                    if target > windowEnd { return target }
                    continue leapfrog
                }
            }
            return target
        }
    }

    /// The window that starts at `target`: it ends where `blockWindow` says, and no paper in it scores above
    /// the returned bound; there, the clauses after `c` and the optional terms add at most `laterBound[c]`.
    /// Nil when a clause's lists all end before `target` (nothing more can match).
    ///
    /// With minor terms (see `minorTerms`), the window is cut at the next paper that holds one: from that
    /// paper, to that paper alone; before it, to the papers up to it, which hold no minor term and so score at
    /// most the main terms' bound (`mainBound`), with `laterBound` of the main terms alone. Where that bound
    /// cannot beat `threshold`, those papers are passed over; where it can, the rarest clause's documents are
    /// still tested against a budget the minor terms do not use up (`leadCutoff`): an author named like one
    /// of the words, with papers all through the window, no longer keeps every paper of it a candidate. The
    /// search loop itself does not change.
    ///
    /// Out of line, as `leadCutoff` is: when the compiler inlined either into the search loop, every
    /// conjunction took 4-5% more instructions, most of which have no minor term.
    @inline(never)
    private func window(from target: UInt32, threshold: Double, laterBound: inout [Double])
        -> (bound: Double, end: UInt32, mainOnly: Bool)? {
        guard let (bound, end) = blockWindow(from: target, laterBound: &laterBound) else { return nil }
        guard bound > threshold, !minorTerms.isEmpty else { return (bound, end, false) }
        let first = firstMinorDocument(from: target)
        if first == target { return (bound, first, false) }
        let main = mainBound(through: min(end, first - 1), laterBound: &laterBound)
        return (main > threshold ? main : -.infinity, min(end, first - 1), true)
    }

    /// `window` without the minor terms' cut: where the rarest clause's first block holding `target` ends (as
    /// Lucene's block-max conjunction follows its lead's blocks), or where the first of the required terms'
    /// blocks ends when no term of that clause has a skip table. The other terms are bounded by their largest
    /// block maximum up to that end: dense lists have several blocks to one of the rarest clause, and a window
    /// at each of their block ends cost more to work out than it saved when none could be passed over.
    private func blockWindow(from target: UInt32, laterBound: inout [Double]) -> (bound: Double, end: UInt32)? {
        var end = firstBlockEnd(of: clauseStart[0]..<clauseStart[1], from: target)
        if end == PostingsCursor.exhausted { end = firstBlockEnd(of: clauseStart[0]..<clauseStart[clauseCount], from: target) }
        var later = optionalBound
        for c in (0..<clauseCount).reversed() {
            laterBound[c] = later
            var alive = false
            for k in clauseStart[c]..<clauseStart[c + 1] where unsafe cursors[clauseTerms[k]].shallowAdvance(to: target) {
                alive = true
            }
            if !alive { return nil }
            for k in scoredStart[c]..<scoredStart[c + 1] { later += windowBound(scoredTerms[k], through: end) }
        }
        return (later, end)
    }

    /// Where the first block holding `target` ends of the terms `clauseTerms[range]` that have skip tables
    /// (exhausted: none); the terms are moved shallowly to `target`.
    @inline(__always)
    private func firstBlockEnd(of range: Range<Int>, from target: UInt32) -> UInt32 {
        var end = PostingsCursor.exhausted
        for k in range {
            let term = clauseTerms[k]
            // Stored properties only: reading a computed one would copy the cursor to borrow it.
            guard unsafe cursors[term].shallowAdvance(to: target), unsafe cursors[term].blockCount > 0 else { continue }
            // shallowAdvance found the block, so it is below blockCount.
            end = min(end, unsafe cursors[term].skipTable.lastDocument(cursors[term].shallowBlock))
        }
        return end
    }

    /// What scored term `term` adds at most to a paper from its shallow block's first document through `end`:
    /// the largest maximum of its blocks there.
    @inline(__always)
    private func windowBound(_ term: Int, through end: UInt32) -> Double {
        if unsafe cursors[term].blockCount > 0 {
            let skips = unsafe cursors[term].skipTable
            var block = unsafe cursors[term].shallowBlock
            // A term whose list ends before the window adds nothing (its shallow block is past the last).
            guard block < skips.count else { return 0 }
            var bound = context.blockBound(weights[term], skips, block: block)
            while skips.lastDocument(block) < end && block + 1 < skips.count {
                block += 1
                bound = max(bound, context.blockBound(weights[term], skips, block: block))
            }
            return bound
        }
        return listBounds[term]
    }

    /// In the window just worked out, the most a paper that holds no minor term scores; `laterBound[c]` becomes
    /// what the clauses after `c` and the optional terms add to such a paper. (`blockWindow` sums every term the
    /// same way within its pass over the clauses; one loop shared by both cost 1M and-2 1.2% more instructions.)
    private func mainBound(through end: UInt32, laterBound: inout [Double]) -> Double {
        var later = optionalBound
        for c in (0..<clauseCount).reversed() {
            laterBound[c] = later
            for k in scoredStart[c]..<scoredStart[c + 1] where !minorTerms.contains(scoredTerms[k]) {
                later += windowBound(scoredTerms[k], through: end)
            }
        }
        return later
    }

    /// Where the rarest clause stands after `passOverLead` moved its main term on alone: on the first document
    /// at or after `target` of its terms (which all stand there or beyond, so none moves). Out of line: written
    /// into the search loop, it cost every conjunction 4% more instructions.
    @inline(never)
    private func leadDocument(from target: UInt32) -> UInt32 {
        advance(clause: 0, to: target)
    }

    /// Moves the minor terms' cursors to `target`; returns the first document at or after it that one holds.
    private func firstMinorDocument(from target: UInt32) -> UInt32 {
        var first = PostingsCursor.exhausted
        for term in minorTerms {
            unsafe cursors[term].advance(to: target)
            first = min(first, unsafe cursors[term].document)
        }
        return first
    }

    /// While pruning, with the rarest clause moved into the window that ends at `windowEnd`: passes over the
    /// documents of its main term `lead` (`leadMain`: its only term, or the only one in the window) there that
    /// `cutoff` rules out from their frequencies alone (as Lucene's block-max conjunction scores its lead before
    /// moving the other clauses), in one loop over the decoded block, without moving the other clauses to
    /// them. Returns whether it passed any.
    @inline(__always)
    private func passOverLead(_ lead: Int, windowEnd: UInt32?, _ cutoff: FrequencyCutoff) -> Bool {
        guard cutoff.isActive, let windowEnd else { return false }
        return unsafe cursors[lead].pass(through: windowEnd) {
            cutoff.rulesOut(titleFrequency: $0, abstractFrequency: $1)
        }
    }

    /// For the window just worked out: what rules out the rarest clause's documents that add no more than
    /// `budget` (when that clause is one term, or when no minor term stands in the window, `mainOnly`: its
    /// main term's documents are then the clause's; the window lies in that term's shallow block). Out of
    /// line: see `window`.
    @inline(never)
    private func leadCutoff(budget: Double, mainOnly: Bool) -> FrequencyCutoff {
        let lead = leadMain
        guard clauseStart[1] == 1 || mainOnly, unsafe cursors[lead].blockCount > 0 else { return .never }
        return context.frequencyCutoff(weights[lead], unsafe cursors[lead].skipTable, block: unsafe cursors[lead].shallowBlock,
                                       budget: budget)
    }
}
