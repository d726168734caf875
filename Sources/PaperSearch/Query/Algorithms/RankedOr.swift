/// Top-k for "any of these terms" with MaxScore dynamic pruning (Turtle and Flood, 1995), window by window
/// in the manner of Lucene's `MaxScoreBulkScorer`:
///
/// - The documents are cut into windows that end at block boundaries of the terms that lead. In each window,
///   every term's bound is the largest block maximum the window overlaps, so a common word whose blocks there
///   hold only weak postings stops costing anything there.
/// - Terms are ordered by those bounds; the ones whose bounds add up to no more than the current threshold
///   are *non-essential* — a document holding only them cannot enter the top k — so only the essential
///   terms' postings produce candidates. A window where no term is essential is skipped undecoded.
/// - The essential terms are scored term at a time into a small array of partial scores (a thousand
///   documents at a time, with a bitset of the matches), which costs a few instructions a posting instead of
///   a pass over every term per candidate. The candidates then meet the non-essential terms in batches,
///   highest bound first: at each term the candidates that can no longer beat the threshold are dropped and
///   the term's postings are probed for the rest in one forward pass.
///
/// Scores are sums of quantized contributions (`BM25.quantized`), exact in any order, so term-at-a-time
/// here and document-at-a-time in the exhaustive path give identical ids and scores.
enum RankedOr {
    /// Returns how many candidate documents were fully scored (a lower bound of the matches, unless `filter`
    /// has late matchers, which only the candidates entering the top k meet). Only papers `filter` accepts
    /// are candidates.
    static func run(
        terms: [PlanTerm], cursors: inout [PostingsCursor], bounds: [Double], context: ScoringContext,
        exclusions: [Matcher], filter: CandidateFilter, topK: inout TopK
    ) -> Int {
        let count = cursors.count
        guard count > 0 else { return 0 }
        let terms = terms.map(TermWeight.init)
        if count == 1 {
            // (Without exclusions or matchers the searcher takes `singleByBlockMaximum` over all segments.)
            return single(terms[0], cursor: &cursors[0], bound: bounds[0], context: context, exclusions: exclusions, filter: filter,
                          topK: &topK)
        }
        // The scorer works on the cursors through a buffer pointer: a mutation through an array subscript
        // checks the array's uniqueness every time, and cursors move once per posting. Every index it uses is
        // a term number below `count`.
        return unsafe cursors.withUnsafeMutableBufferPointer { cursors in
            var scorer = unsafe WindowedMaxScore(terms: terms, cursors: cursors, bounds: bounds, context: context,
                                                 exclusions: exclusions, filter: filter)
            scorer.run(&topK)
            return scorer.evaluated
        }
    }
}

/// What a candidate must satisfy besides holding a term: not deleted (when the segment has deletions), its
/// year in every range (read from the norms), and every filter matcher holding it. Matchers only move
/// forward, so they are asked about candidates in increasing document order.
struct CandidateFilter {
    var checksDeletions = false
    var years: [ClosedRange<Int>] = []
    var matchers: [Matcher] = []
    /// Matchers asked only about the candidates that would enter the top k, in increasing document order:
    /// costly ones (a query's whole structure, reading phrases' positions) that most candidates, pruned by
    /// their scores, never need.
    var lateMatchers: [Matcher] = []

    var isEmpty: Bool { !checksDeletions && years.isEmpty && matchers.isEmpty }

    /// Whether a candidate about to enter the top k holds every late matcher.
    @inline(__always)
    func acceptsLate(_ document: UInt32) -> Bool {
        lateMatchers.allSatisfy { $0.contains(document) }
    }

    @inline(__always)
    func accepts(_ document: UInt32, _ context: ScoringContext) -> Bool {
        (!checksDeletions || context.isLive(document)) && (years.isEmpty || context.inYears(document, years))
            && matchers.allSatisfy { $0.contains(document) }
    }
}

/// The state of one `RankedOr` run over two or more terms (see there).
@safe private struct WindowedMaxScore {
    /// Documents scored term at a time in one go. 1,024 partial scores (8 KiB) leave room in the first-level
    /// cache for the postings and norms being read: Lucene's 4,096 (32 KiB) gave title queries on the 1M
    /// corpus 2.6 times the level-1 read misses (callgrind), and 512 cost more instructions than it saved.
    static let innerWindow: UInt32 = 1024
    /// The least length of an outer window, over which the terms' bounds are taken (Lucene's 4,096): shorter
    /// windows give tighter bounds but cost a walk of every term's skip table each.
    static let leastOuterWindow: UInt32 = 4096
    /// Blocks whose largest maximum `groupBound` keeps.
    static let boundGroup = 16

    let terms: [TermWeight]
    let cursors: UnsafeMutableBufferPointer<PostingsCursor>
    /// Each term's bound over the whole list.
    let bounds: [Double]
    let context: ScoringContext
    let exclusions: [Matcher]
    let filter: CandidateFilter
    /// How many candidates were fully scored.
    private(set) var evaluated = 0

    private var threshold = -Double.infinity
    /// Each term's bound in the current window.
    private var windowBounds: [Double]
    /// Each term's `groupBound`s (-1: not worked out yet), made when first needed.
    private var groupBounds: [[Double]]
    /// Term numbers by window bound, ascending; `order[essentialStart...]` are the essential terms.
    private var order: [Int]
    private var essentialStart = 0
    /// prefix[k] = the sum of the window bounds of order[0...k].
    private var prefix: [Double]
    /// The inner window's buffers and the candidates waiting for the non-essential terms.
    private let scratch = WindowScratch(capacity: Int(WindowedMaxScore.innerWindow))

    init(terms: [TermWeight], cursors: UnsafeMutableBufferPointer<PostingsCursor>, bounds: [Double], context: ScoringContext,
         exclusions: [Matcher], filter: CandidateFilter) {
        self.terms = terms
        unsafe self.cursors = cursors
        self.bounds = bounds
        self.context = context
        self.exclusions = exclusions
        self.filter = filter
        windowBounds = bounds
        groupBounds = [[Double]](repeating: [], count: terms.count)
        order = Array(terms.indices)
        prefix = [Double](repeating: 0, count: terms.count)
    }

    mutating func run(_ topK: inout TopK) {
        threshold = topK.threshold
        let count = terms.count
        var windowMin: UInt32 = 0
        outer: while windowMin != PostingsCursor.exhausted {
            // Window bounds depend on the window and the window on the leading (essential) terms: start from
            // the previous window's essential terms and shrink the window while the partition changes it.
            var windowMax = outerWindowEnd(from: windowMin)
            while true {
                partition(windowMin, windowMax)
                if essentialStart == count {
                    windowMin = windowMax  // no document here can beat the threshold
                    continue outer
                }
                let shorter = outerWindowEnd(from: windowMin)
                if shorter >= windowMax { break }
                windowMax = shorter
            }
            // The threshold at which the weakest essential term turns non-essential.
            let repartitionAt = prefix[essentialStart]
            var top = PostingsCursor.exhausted
            for k in essentialStart..<count {
                unsafe cursors[order[k]].advance(to: windowMin)
                top = min(top, unsafe cursors[order[k]].document)
            }
            while top < windowMax {
                scoreInnerWindow(windowMax, &topK)
                top = PostingsCursor.exhausted
                for k in essentialStart..<count { top = min(top, unsafe cursors[order[k]].document) }
                if threshold >= repartitionAt { break }
            }
            windowMin = min(top, windowMax)
        }
    }

    /// Where the outer window from `windowMin` ends (exclusive): at the first block boundary of an essential
    /// term, but no sooner than `leastOuterWindow` documents on.
    private mutating func outerWindowEnd(from windowMin: UInt32) -> UInt32 {
        var end = PostingsCursor.exhausted
        for k in essentialStart..<terms.count {
            let term = order[k]
            guard unsafe cursors[term].blockCount > 0 else { continue }
            let from = max(windowMin, unsafe cursors[term].document)
            guard unsafe cursors[term].shallowAdvance(to: from) else { continue }
            let last = unsafe cursors[term].skipTable.lastDocument(cursors[term].shallowBlock)
            end = min(end, last == PostingsCursor.exhausted ? last : last + 1)
        }
        let least = windowMin > PostingsCursor.exhausted - WindowedMaxScore.leastOuterWindow
            ? PostingsCursor.exhausted : windowMin + WindowedMaxScore.leastOuterWindow
        return max(end, least)
    }

    /// Computes the window bounds of [windowMin, windowMax), orders the terms by them and finds the essential
    /// ones.
    private mutating func partition(_ windowMin: UInt32, _ windowMax: UInt32) {
        let count = terms.count
        for term in 0..<count { windowBounds[term] = windowBound(term, windowMin, windowMax) }
        // Insertion sort: a handful of terms, nearly in order from the last window.
        for i in 1..<count {
            let term = order[i]
            var j = i
            while j > 0 && (windowBounds[order[j - 1]] > windowBounds[term]
                            || (windowBounds[order[j - 1]] == windowBounds[term] && order[j - 1] > term)) {
                order[j] = order[j - 1]
                j -= 1
            }
            order[j] = term
        }
        var running = 0.0
        essentialStart = count
        for k in 0..<count {
            running += windowBounds[order[k]]
            prefix[k] = running
            if essentialStart == count && running > threshold { essentialStart = k }
        }
    }

    /// An upper bound of the term's contribution to the documents in [windowMin, windowMax): the largest
    /// maximum of the blocks the window overlaps, from the skip table (nothing is decoded). A group of
    /// `boundGroup` blocks wholly inside the window is taken at once (`groupBound`).
    private mutating func windowBound(_ term: Int, _ windowMin: UInt32, _ windowMax: UInt32) -> Double {
        guard unsafe cursors[term].document < windowMax else { return 0 }
        guard unsafe cursors[term].blockCount > 0 else {
            return unsafe cursors[term].document >= windowMin ? bounds[term] : 0
        }
        let from = max(windowMin, unsafe cursors[term].document)
        guard unsafe cursors[term].shallowAdvance(to: from) else { return 0 }
        var block = unsafe cursors[term].shallowBlock
        let blockCount = unsafe cursors[term].blockCount
        let skips = unsafe cursors[term].skipTable
        var bound = 0.0
        let group = WindowedMaxScore.boundGroup
        while block < blockCount {
            // A whole group whose last block ends before the window's last document: every block of it is one
            // the walk would take, and the walk goes on after it.
            if block % group == 0 && block + group <= blockCount && skips.lastDocument(block + group - 1) < windowMax - 1 {
                bound = max(bound, groupBound(term, block / group, skips))
                block += group
                continue
            }
            bound = max(bound, context.blockBound(terms[term], skips, block: block))
            if skips.lastDocument(block) >= windowMax - 1 { break }
            block += 1
        }
        return bound
    }

    /// The largest block maximum of the term's blocks `group * boundGroup ..< (group + 1) * boundGroup`, worked
    /// out the first time a window holds them all. Outer windows overlap (one starts again where its essential
    /// terms stood when the threshold rose, and a partition shrinks its window), so a long window walked the
    /// same blocks over and over: a hyphenated word beside a rare author name spent 70% of its instructions
    /// there on the 1M corpus.
    @inline(never)
    private mutating func groupBound(_ term: Int, _ group: Int, _ skips: SkipTable) -> Double {
        if groupBounds[term].isEmpty {
            groupBounds[term] = [Double](repeating: -1, count: unsafe cursors[term].blockCount / WindowedMaxScore.boundGroup)
        }
        if groupBounds[term][group] < 0 {
            var bound = 0.0
            for block in (group * WindowedMaxScore.boundGroup)..<((group + 1) * WindowedMaxScore.boundGroup) {
                bound = max(bound, context.blockBound(terms[term], skips, block: block))
            }
            groupBounds[term][group] = bound
        }
        return groupBounds[term][group]
    }

    /// Scores the essential terms' documents from the first of them up to an inner window's length (or
    /// `windowMax`), then completes each candidate with the non-essential terms.
    private mutating func scoreInnerWindow(_ windowMax: UInt32, _ topK: inout TopK) {
        let count = terms.count
        if essentialStart == count - 1 {
            // One essential term: its documents are the candidates. A block of it is passed over when its
            // maximum and the other terms' bounds together cannot beat the threshold, and a document when its
            // own score and those bounds cannot: first from its frequencies alone (the block's cutoff, made
            // as the block is accepted; the threshold only rises, so it stays safe), then from its score.
            let term = order[essentialStart]
            let weight = terms[term]
            let rest = essentialStart > 0 ? prefix[essentialStart - 1] : 0
            let skips = unsafe cursors[term].skipTable
            var cutoff = FrequencyCutoff.never
            unsafe cursors[term].forEachDocument(below: windowMax, acceptingBlock: { block in
                guard context.blockBound(weight, skips, block: block) + rest > threshold else { return false }
                cutoff = context.frequencyCutoff(weight, skips, block: block, budget: threshold - rest)
                return true
            }) { document, title, abstract in
                if cutoff.rulesOut(titleFrequency: title, abstractFrequency: abstract) { return }
                if let contribution = context.contribution(document, title, abstract, weight), contribution + rest > threshold {
                    addCandidate(document, contribution, &topK)
                }
            }
            completeCandidates(&topK)
            return
        }
        var innerMin = PostingsCursor.exhausted
        for k in essentialStart..<count { innerMin = min(innerMin, unsafe cursors[order[k]].document) }
        let innerMax = min(windowMax, innerMin + min(WindowedMaxScore.innerWindow, PostingsCursor.exhausted - innerMin))
        // Invariants: the buffers hold `innerWindow` entries (bits), all zero between calls; every document
        // written lies in [innerMin, innerMax), so its slot `document - innerMin` is below `innerWindow`
        // (cursors move forward only). The slot is masked all the same, so that no cursor could make a
        // write leave the buffers.
        let scores = unsafe scratch.scores, matches = unsafe scratch.matches
        for k in essentialStart..<count {
            let term = order[k]
            let weight = terms[term]
            unsafe cursors[term].forEachDocument(below: innerMax) { document, title, abstract in
                if let contribution = context.contribution(document, title, abstract, weight) {
                    let slot = Int(document &- innerMin) & (Int(WindowedMaxScore.innerWindow) - 1)
                    unsafe scores[slot] += contribution
                    unsafe matches[slot &>> 6] |= 1 &<< UInt64(slot & 63)
                }
            }
        }
        let words = (Int(innerMax - innerMin) + 63) / 64
        for word in 0..<words {
            var bits = unsafe matches[word]
            guard bits != 0 else { continue }
            unsafe matches[word] = 0
            while bits != 0 {
                let slot = word &* 64 &+ bits.trailingZeroBitCount
                bits &= bits &- 1
                let score = unsafe scores[slot]
                unsafe scores[slot] = 0
                addCandidate(innerMin &+ UInt32(truncatingIfNeeded: slot), score, &topK)
            }
        }
        completeCandidates(&topK)
    }

    /// Queues a candidate that the essential terms scored `partial` (documents arrive in increasing order).
    @inline(__always)
    private mutating func addCandidate(_ document: UInt32, _ partial: Double, _ topK: inout TopK) {
        if !filter.isEmpty && !filter.accepts(document, context) { return }
        unsafe scratch.candidates[scratch.candidateCount] = document
        unsafe scratch.partials[scratch.candidateCount] = partial
        scratch.candidateCount += 1
        if scratch.candidateCount == scratch.capacity { completeCandidates(&topK) }
    }

    /// Completes the queued candidates term by term (in the manner of Lucene 10's bulk scoring of
    /// non-essential clauses): for each non-essential term, highest bound first, the candidates that can no
    /// longer beat the threshold are dropped and the term's postings are probed for the rest in one forward
    /// pass. The survivors, fully scored, are offered to the top k in document order.
    private mutating func completeCandidates(_ topK: inout TopK) {
        let candidates = unsafe scratch.candidates, partials = unsafe scratch.partials
        var count = scratch.candidateCount
        scratch.candidateCount = 0
        var k = essentialStart - 1
        while k >= 0 && count > 0 {
            let reach = prefix[k], rest = k > 0 ? prefix[k - 1] : 0
            var kept = 0
            for i in 0..<count where unsafe partials[i] + reach > threshold {
                unsafe candidates[kept] = candidates[i]
                unsafe partials[kept] = partials[i]
                kept += 1
            }
            count = kept
            let term = order[k]
            let weight = terms[term]
            for i in 0..<count {
                let document = unsafe candidates[i]
                // A cursor behind the candidate stands on a decoded block (an exhausted or damaged one never is).
                if unsafe cursors[term].document < document && cursors[term].blockCount > 0
                    && cursors[term].skipTable.lastDocument(cursors[term].block) < document {
                    // Probing would decode a block: first ask its maximum (from the skip table) whether the term
                    // can lift the candidate over the threshold there at all.
                    guard unsafe cursors[term].shallowAdvance(to: document) else { break }  // nothing from here on
                    let block = unsafe cursors[term].shallowBlock
                    if unsafe partials[i] + context.blockBound(weight, cursors[term].skipTable, block: block) + rest <= threshold {
                        unsafe partials[i] = -.infinity
                        continue
                    }
                }
                unsafe cursors[term].advance(to: document)
                if unsafe cursors[term].document == document, let contribution = unsafe context.contribution(&cursors[term], weight) {
                    unsafe partials[i] += contribution
                }
            }
            k -= 1
        }
        for i in 0..<count {
            let score = unsafe partials[i]
            guard score > -.infinity else { continue }
            evaluated += 1
            let document = unsafe candidates[i]
            if score > threshold && filter.acceptsLate(document) && !exclusions.contains(where: { $0.contains(document) }) {
                topK.insert(document, score: score)
                threshold = topK.threshold
            }
        }
    }
}

/// `WindowedMaxScore`'s buffers, allocated once a query: an inner window's partial scores and bitset of
/// matches (zero between uses), and the candidates waiting for the non-essential terms.
@safe private final class WindowScratch {
    let capacity: Int
    let scores: UnsafeMutablePointer<Double>
    let matches: UnsafeMutablePointer<UInt64>
    let candidates: UnsafeMutablePointer<UInt32>
    let partials: UnsafeMutablePointer<Double>
    var candidateCount = 0

    /// `capacity` is a multiple of 64.
    init(capacity: Int) {
        self.capacity = capacity
        unsafe scores = .allocate(capacity: capacity)
        unsafe scores.initialize(repeating: 0, count: capacity)
        unsafe matches = .allocate(capacity: capacity / 64)
        unsafe matches.initialize(repeating: 0, count: capacity / 64)
        unsafe candidates = .allocate(capacity: capacity)
        unsafe partials = .allocate(capacity: capacity)
    }

    deinit {
        unsafe scores.deallocate()
        unsafe matches.deallocate()
        unsafe candidates.deallocate()
        unsafe partials.deallocate()
    }
}

extension RankedOr {
    /// One term, blocks in descending order of their maxima across every segment (score-at-a-time over
    /// blocks): the first blocks fill the top k with high scores, and the walk stops at the first block whose
    /// maximum cannot beat the threshold, so only blocks that can hold a top-k document are decoded. Taking
    /// the blocks of all segments in one order matters: segment by segment, each would start again from its
    /// own best blocks under a threshold the better blocks of later segments would have raised. Documents
    /// arrive out of order, which `TopK` does not mind (it ranks by score, then document number) — but
    /// forward-only matchers do, so a query with exclusions takes `single` instead. Within a block, a document
    /// its frequencies alone rule out (`ScoringContext.frequencyCutoff`, made for the threshold as the block
    /// starts) is counted but not scored: no lengths read, no division. A list without blocks
    /// (one document) counts as one block bounded by its `listBounds` entry. Per segment i: the term's cursor
    /// `cursors[i]`, `contexts[i]`, the segment's first document number in the commit `bases[i]`, a bound of
    /// the term's score anywhere in it `listBounds[i]`. (Parallel arrays: an array of structs holding these
    /// would be copied, with its references retained, at every access of a field.)
    static func singleByBlockMaximum(
        _ term: TermWeight, cursors: inout [PostingsCursor], contexts: [ScoringContext], bases: [UInt32], listBounds: [Double],
        years: [ClosedRange<Int>], topK: inout TopK
    ) -> Int {
        // Visits are numbered segment after segment (segment i's from firstVisit[i]), each with its exact bound.
        var firstVisit: [Int] = []
        firstVisit.reserveCapacity(cursors.count + 1)
        var bounds: [Double] = []
        for part in cursors.indices {
            firstVisit.append(bounds.count)
            guard cursors[part].hasBlocks else {
                bounds.append(listBounds[part])
                continue
            }
            let context = contexts[part], skips = cursors[part].skipTable
            for block in 0..<cursors[part].blockCount { bounds.append(context.blockBound(term, skips, block: block)) }
        }
        firstVisit.append(bounds.count)
        // A max-heap of (bound as Float bits, visit): non-negative floats order like their bit patterns.
        // The Float only orders the visits; the stop test below uses the exact bound.
        var heap = bounds.indices.map { visit in
            UInt64(max(Float(bounds[visit]), 0).bitPattern) << 32 | UInt64(UInt32(truncatingIfNeeded: visit))
        }
        var count = heap.count
        for start in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(&heap, start, count) }
        var threshold = topK.threshold
        var evaluated = 0
        var part = 0

        // The segment's cursor is used in place: a copy would share, then copy, its decoded block.
        func scan(_ cursor: inout PostingsCursor, block: Int, _ context: ScoringContext) {
            var cutoff = FrequencyCutoff.never
            if cursor.hasBlocks {
                cursor.jump(toBlock: block)
                guard cursor.damage == nil else { return }
                // Made for the threshold as the block starts; the threshold only rises, so it stays safe.
                cutoff = context.frequencyCutoff(term, cursor.skipTable, block: block, budget: threshold)
            }
            cursor.forEachDocumentInBlock { document, title, abstract in
                guard context.isLive(document), context.inYears(document, years) else { return }
                if cutoff.rulesOut(titleFrequency: title, abstractFrequency: abstract) {
                    // Below the threshold, so not scored; still counted when the term is in its field there.
                    let held = ScoringContext.inField(term.field, title, abstract)
                    if held.title > 0 || held.abstract > 0 { evaluated += 1 }
                    return
                }
                if let score = context.contribution(document, title, abstract, term) {
                    evaluated += 1
                    if score >= threshold {
                        topK.insert(document, score: score)
                        threshold = topK.threshold
                    }
                }
            }
        }

        while count > 0 {
            let visit = Int(UInt32(truncatingIfNeeded: heap[0]))
            count -= 1
            heap.swapAt(0, count)
            siftDown(&heap, 0, count)
            if bounds[visit] <= threshold { break }
            // Segments are few: find the visit's by a short scan from the last one.
            while visit < firstVisit[part] { part -= 1 }
            while visit >= firstVisit[part + 1] { part += 1 }
            topK.documentBase = bases[part]
            scan(&cursors[part], block: visit - firstVisit[part], contexts[part])
            if cursors[part].damage != nil { break }
        }
        return evaluated
    }

    private static func siftDown(_ heap: inout [UInt64], _ start: Int, _ count: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            var largest = left
            if left + 1 < count && heap[left + 1] > heap[left] { largest = left + 1 }
            guard heap[largest] > heap[parent] else { return }
            heap.swapAt(largest, parent)
            parent = largest
        }
    }

    /// One term: walk its postings, skipping every block whose maximum cannot beat the threshold (checked
    /// once a block, from the skip table, before the block is decoded).
    static func single(
        _ term: TermWeight, cursor: inout PostingsCursor, bound: Double, context: ScoringContext, exclusions: [Matcher],
        filter: CandidateFilter, topK: inout TopK
    ) -> Int {
        var threshold = topK.threshold
        var evaluated = 0
        var checkedUpTo: UInt32 = 0
        var checked = false
        while cursor.document != PostingsCursor.exhausted {
            let document = cursor.document
            if threshold > -Double.infinity && cursor.hasBlocks && (!checked || document > checkedUpTo) {
                var target = document
                while target != PostingsCursor.exhausted {
                    guard cursor.shallowAdvance(to: target) else { target = PostingsCursor.exhausted; break }
                    if context.blockBound(term, cursor.skipTable, block: cursor.shallowBlock) > threshold { break }
                    let last = cursor.shallowBlockLastDocument
                    target = last == PostingsCursor.exhausted ? last : last + 1
                }
                if target != document {
                    if target == PostingsCursor.exhausted { break }
                    cursor.advance(to: target)
                    continue
                }
                checked = true
                checkedUpTo = cursor.shallowBlockLastDocument
            } else if threshold == -Double.infinity && bound <= threshold {
                break
            }
            if filter.accepts(document, context), let score = context.contribution(&cursor, term) {
                evaluated += 1
                if score > threshold && filter.acceptsLate(document) && !exclusions.contains(where: { $0.contains(document) }) {
                    topK.insert(document, score: score)
                    let raised = topK.threshold
                    if raised > threshold {
                        threshold = raised
                        checked = false
                        if bound <= threshold { break }
                    }
                }
            }
            cursor.next()
        }
        return evaluated
    }
}
