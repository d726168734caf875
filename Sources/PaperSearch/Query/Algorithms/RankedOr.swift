/// Top-k for "any of these terms" with MaxScore dynamic pruning (Turtle and Flood, 1995; the form of
/// pisa-engine/pisa's `maxscore_query`): terms are ordered by their score bound; those whose bounds add up to
/// no more than the current threshold are *non-essential* — a document holding only them cannot enter the
/// top k — so only the essential terms' postings generate candidates, and the non-essential ones are
/// probed with `advance(to:)` only while the candidate can still make it.
///
/// Block-max refinement (as in block-max MaxScore, Chakrabarti et al. 2011; Lucene's MaxScoreBulkScorer):
/// before decoding, the essential terms' skip tables are walked past every stretch of documents where the
/// blocks' maximum scores plus the non-essential bounds cannot beat the threshold — a single common word
/// decodes only the few blocks that can hold a top-k document.
///
/// Every accepted document's score is the sum of the terms' contributions in the query's term order, the
/// same sum the exhaustive path computes, so both return identical ids and scores.
enum RankedOr {
    /// Returns how many candidate documents were fully scored (a lower bound of the matches). With `years`,
    /// only papers whose year lies in every range are candidates.
    static func run(
        terms: [PlanTerm], cursors: inout [PostingsCursor], bounds: [Double], context: ScoringContext,
        exclusions: [Matcher], years: [ClosedRange<Int>], topK: inout TopK
    ) -> Int {
        let count = cursors.count
        guard count > 0 else { return 0 }
        let terms = terms.map(TermWeight.init)
        if count == 1 {
            if exclusions.isEmpty && cursors[0].hasBlocks {
                return singleByBlockMaximum(terms[0], cursor: &cursors[0], context: context, years: years, topK: &topK)
            }
            return single(terms[0], cursor: &cursors[0], bound: bounds[0], context: context, exclusions: exclusions, years: years,
                          topK: &topK)
        }
        // Order by bound, ascending; prefix[k] = sum of bounds of order[0...k].
        let order = (0..<count).sorted { bounds[$0] < bounds[$1] || (bounds[$0] == bounds[$1] && $0 < $1) }
        var prefix = [Double](repeating: 0, count: count)
        var running = 0.0
        for k in 0..<count {
            running += bounds[order[k]]
            prefix[k] = running
        }
        // The loop below works on the cursors through a buffer pointer: a mutation through an array
        // subscript checks the array's uniqueness every time, and cursors move once per posting. Every index
        // is a term number, below `count` (`order` is a permutation of 0..<count).
        return unsafe cursors.withUnsafeMutableBufferPointer { cursors in
            unsafe maxScore(terms, cursors, bounds: bounds, order: order, prefix: prefix, context: context, exclusions: exclusions,
                            years: years, topK: &topK)
        }
    }

    private static func maxScore(
        _ terms: [TermWeight], _ cursors: UnsafeMutableBufferPointer<PostingsCursor>, bounds: [Double], order: [Int], prefix: [Double],
        context: ScoringContext, exclusions: [Matcher], years: [ClosedRange<Int>], topK: inout TopK
    ) -> Int {
        let count = terms.count
        let parts = ScoreParts(termCount: count)
        var threshold = topK.threshold
        var essential = 0
        while essential < count && prefix[essential] <= threshold { essential += 1 }
        var evaluated = 0
        var regionEnd: UInt32 = 0
        var regionBound = -Double.infinity

        while essential < count {
            var candidate = PostingsCursor.exhausted
            for k in essential..<count { candidate = min(candidate, unsafe cursors[order[k]].document) }
            if candidate == PostingsCursor.exhausted { break }

            if threshold > -Double.infinity && (candidate > regionEnd || regionBound <= threshold) {
                // Skip stretches whose block maxima cannot beat the threshold, reading skip tables only. The
                // bound of the current stretch is kept until the candidate leaves it.
                var target = candidate
                let rest = essential > 0 ? prefix[essential - 1] : 0
                while target != PostingsCursor.exhausted {
                    var bound = rest
                    var boundary = PostingsCursor.exhausted
                    for k in essential..<count {
                        let term = order[k]
                        guard unsafe cursors[term].hasBlocks else {
                            bound += bounds[term]
                            continue
                        }
                        guard unsafe cursors[term].shallowAdvance(to: target) else { continue }
                        bound += unsafe context.blockBound(terms[term], &cursors[term], block: cursors[term].shallowBlock)
                        boundary = min(boundary, unsafe cursors[term].shallowBlockLastDocument)
                    }
                    if bound > threshold {
                        regionEnd = boundary
                        regionBound = bound
                        break
                    }
                    target = boundary == PostingsCursor.exhausted ? boundary : boundary + 1
                }
                if target != candidate {
                    for k in essential..<count where unsafe cursors[order[k]].document < target { unsafe cursors[order[k]].advance(to: target) }
                    continue
                }
            }

            if !years.isEmpty && !context.inYears(candidate, years) {
                for k in essential..<count where unsafe cursors[order[k]].document == candidate { unsafe cursors[order[k]].next() }
                continue
            }

            var partial = 0.0
            var matched = false
            for k in essential..<count {
                let term = order[k]
                guard unsafe cursors[term].document == candidate else { continue }
                if let contribution = unsafe context.contribution(&cursors[term], terms[term]) {
                    parts.set(term, contribution)
                    partial += contribution
                    matched = true
                }
                unsafe cursors[term].next()
            }
            var k = essential - 1
            var pruned = false
            while k >= 0 {
                if partial + prefix[k] <= threshold {
                    pruned = true
                    break
                }
                let term = order[k]
                unsafe cursors[term].advance(to: candidate)
                if unsafe cursors[term].document == candidate, let contribution = unsafe context.contribution(&cursors[term], terms[term]) {
                    parts.set(term, contribution)
                    partial += contribution
                    matched = true
                }
                k -= 1
            }
            if !pruned && matched {
                evaluated += 1
                let score = parts.takeTotal()
                if score > threshold && !exclusions.contains(where: { $0.contains(candidate) }) {
                    topK.insert(candidate, score: score)
                    threshold = topK.threshold
                    let before = essential
                    while essential < count && prefix[essential] <= threshold { essential += 1 }
                    if essential != before { regionEnd = 0 }  // the essential set changed: recompute the stretch
                }
            } else {
                parts.clear()
            }
        }
        return evaluated
    }
}

extension RankedOr {
    /// One term, blocks in descending order of their maxima (score-at-a-time over blocks): the first blocks
    /// fill the top k with high scores, and the walk stops at the first block whose maximum cannot beat the
    /// threshold, so only blocks that can hold a top-k document are decoded. Documents arrive out of order,
    /// which `TopK` does not mind (it ranks by score, then document number) — but forward-only matchers do,
    /// so a query with exclusions takes `single` instead.
    static func singleByBlockMaximum(
        _ term: TermWeight, cursor: inout PostingsCursor, context: ScoringContext, years: [ClosedRange<Int>], topK: inout TopK
    ) -> Int {
        // A max-heap of (bound as Float bits, block): non-negative floats order like their bit patterns.
        // The Float only orders the visit; the stop test below uses the exact bound.
        var heap = (0..<cursor.blockCount).map { block -> UInt64 in
            let bound = Float(context.blockBound(term, &cursor, block: block))
            return UInt64(max(bound, 0).bitPattern) << 32 | UInt64(UInt32(truncatingIfNeeded: block))
        }
        var count = heap.count
        for start in stride(from: count / 2 - 1, through: 0, by: -1) { siftDown(&heap, start, count) }
        var threshold = topK.threshold
        var evaluated = 0
        while count > 0 {
            let block = Int(UInt32(truncatingIfNeeded: heap[0]))
            count -= 1
            heap.swapAt(0, count)
            siftDown(&heap, 0, count)
            if context.blockBound(term, &cursor, block: block) <= threshold { break }
            cursor.jump(toBlock: block)
            guard cursor.damage == nil else { break }
            let length = cursor.blockLength
            for position in 0..<length {
                if context.inYears(cursor.document, years), let score = context.contribution(&cursor, term) {
                    evaluated += 1
                    if score >= threshold {
                        topK.insert(cursor.document, score: score)
                        threshold = topK.threshold
                    }
                }
                if position + 1 < length { cursor.next() }  // not past the block: that would decode the next one
            }
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
        years: [ClosedRange<Int>], topK: inout TopK
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
                    if context.blockBound(term, &cursor, block: cursor.shallowBlock) > threshold { break }
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
            if context.inYears(document, years), let score = context.contribution(&cursor, term) {
                evaluated += 1
                if score > threshold && !exclusions.contains(where: { $0.contains(document) }) {
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

/// Top-k for "all of these terms, and any of those": candidates come from the intersection of the required
/// terms (leapfrogging from the rarest), filters and exclusions are checked, and optional terms add to the
/// score. Every intersection document is visited, so the count of matches is exact.
enum RankedAnd {
    static func run(
        terms: [PlanTerm], required: [Int], optional: [Int], cursors: inout [PostingsCursor], context: ScoringContext,
        filters: [Matcher], exclusions: [Matcher], topK: inout TopK
    ) -> Int {
        let lead = required.sorted { terms[$0].info.documentFrequency < terms[$1].info.documentFrequency }
        let terms = terms.map(TermWeight.init)
        var matches = 0
        let parts = ScoreParts(termCount: terms.count)
        var target = cursors[lead[0]].document
        search: while target != PostingsCursor.exhausted {
            // Bring every required cursor to `target`; restart from a later one when one overshoots.
            for term in lead {
                cursors[term].advance(to: target)
                if cursors[term].document != target {
                    target = cursors[term].document
                    continue search
                }
            }
            let candidate = target
            target = candidate == PostingsCursor.exhausted ? candidate : candidate + 1
            guard filters.allSatisfy({ $0.contains(candidate) }), !exclusions.contains(where: { $0.contains(candidate) }) else {
                continue
            }
            matches += 1
            for term in required {
                if let contribution = context.contribution(&cursors[term], terms[term]) { parts.set(term, contribution) }
            }
            for term in optional {
                cursors[term].advance(to: candidate)
                if cursors[term].document == candidate, let contribution = context.contribution(&cursors[term], terms[term]) {
                    parts.set(term, contribution)
                }
            }
            topK.insert(candidate, score: parts.takeTotal())
        }
        return matches
    }
}

/// The plain algorithm: walk every document the query's boolean structure matches and score it with every
/// scoring term. It serves queries of any shape, and is the oracle the pruned algorithms are tested against.
enum Exhaustive {
    static func run(
        terms: [PlanTerm], scoring: [Int], cursors: inout [PostingsCursor], context: ScoringContext,
        root: Matcher, topK: inout TopK
    ) -> Int {
        var matches = 0
        let terms = terms.map(TermWeight.init)
        let parts = ScoreParts(termCount: terms.count)
        while root.document != PostingsCursor.exhausted {
            let candidate = root.document
            matches += 1
            for term in scoring {
                cursors[term].advance(to: candidate)
                if cursors[term].document == candidate, let contribution = context.contribution(&cursors[term], terms[term]) {
                    parts.set(term, contribution)
                }
            }
            topK.insert(candidate, score: parts.takeTotal())
            root.next()
        }
        return matches
    }
}
