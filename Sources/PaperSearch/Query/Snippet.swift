/// A passage of a paper's abstract around the words that matched, with those words marked.
public struct Snippet: Sendable, Equatable {
    /// The stem cache for a page of hits' abstracts: 512 slots (32 KiB), made per search.
    static let stemCacheSlotBits = 9

    /// The passage, with "…" where it was cut from a longer abstract.
    public var text: String
    /// The matched words, as ranges of character (Unicode scalar) offsets into `text`.
    public var highlights: [Range<Int>]

    /// How many tokens a passage spans, about 30 words.
    static let windowTokens = 36

    /// The passage with each highlight wrapped in `open` and `close` (e.g. terminal bold, or "**").
    public func rendered(open: String, close: String) -> String {
        var result = ""
        var scalars = Array(text.unicodeScalars)[...]
        var position = 0
        for range in highlights {
            guard range.lowerBound >= position, range.upperBound <= text.unicodeScalars.count else { continue }
            result.unicodeScalars.append(contentsOf: scalars.prefix(range.lowerBound - position))
            scalars = scalars.dropFirst(range.lowerBound - position)
            result += open
            result.unicodeScalars.append(contentsOf: scalars.prefix(range.count))
            scalars = scalars.dropFirst(range.count)
            result += close
            position = range.upperBound
        }
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    /// The plan's terms a snippet marks: its scoring terms of the abstract (or of titles and abstracts), each
    /// kept once, with its weight, the 64-bit hash by which the words of an abstract are compared with it (no
    /// string is made per word), and the first bytes of words that may stem to one of them.
    struct MarkedTerms {
        var hashes: [UInt64] = []
        var weights: [Double] = []
        /// A bit per byte value: the first bytes of the terms, and of words stemming can change the first byte
        /// of. Other words cannot stem to a marked term, so they are not stemmed.
        var firstBytes = SIMD4<UInt64>()
        /// The plan's number of each term above.
        var planTerms: [Int] = []

        init(_ plan: SearchPlan) {
            for termIndex in plan.scoringTerms {
                let term = plan.terms[termIndex]
                guard term.namespace == .text, term.field != .title else { continue }
                let hash = StableHash.fnv1a64(term.bytes)
                guard !hashes.contains(hash) else { continue }
                hashes.append(hash)
                weights.append(max(term.weight, 0.01))
                planTerms.append(termIndex)
                if let first = term.bytes.first { addFirstByte(first) }
            }
            if mayStem(startingWith: UInt8(ascii: "e")) {
                // American spelling turns a leading "ae" or "oe" into "e" (aetiology, oestrogen).
                addFirstByte(UInt8(ascii: "a"))
                addFirstByte(UInt8(ascii: "o"))
            }
            addFirstByte(UInt8(ascii: "'"))  // Porter2 drops a leading apostrophe
            addFirstByte(0xE2)  // the first byte of a typographic apostrophe, should one reach the stemmer
        }

        private mutating func addFirstByte(_ byte: UInt8) {
            firstBytes[Int(byte >> 6)] |= 1 << UInt64(byte & 63)
        }

        func mayStem(startingWith byte: UInt8) -> Bool {
            firstBytes[Int(byte >> 6)] >> UInt64(byte & 63) & 1 != 0
        }
    }

    /// Snippets for a page of hits. Where the marked terms stand in each abstract is read from the positions
    /// the index keeps (a cursor per term and segment, moving forward through the page's papers in document
    /// order), so an abstract is analysed only as far as the passage chosen, and only words at those
    /// positions are stemmed: to tell which part of a compound, or which of the words at a position, matched.
    static func page(_ hits: [(document: Int, paper: Paper)], plan: SearchPlan, index: SearchIndex)
        throws(IndexError) -> [Snippet?] {
        let terms = MarkedTerms(plan)
        // For each hit, the positions in its abstract (from its first word) where marked terms stand.
        var matches = [[Int]](repeating: [], count: hits.count)
        var order: [(segment: Int, local: UInt32, hit: Int)] = []
        for (hit, entry) in hits.enumerated() {
            if let (segment, local) = index.locate(entry.document) { order.append((segment, local, hit)) }
        }
        order.sort { ($0.segment, $0.local) < ($1.segment, $1.local) }
        let abstractBase = UInt32(IndexFormat.abstractPositionBase)
        var positions = PositionBuffer()
        var first = 0
        while first < order.count {
            let s = order[first].segment
            var end = first
            while end < order.count && order[end].segment == s { end += 1 }
            let segment = index.segments[s].segment
            for planTerm in terms.planTerms {
                var cursor = segment.cursor(plan.terms[planTerm].indexed.infos[s])
                for k in first..<end {
                    let (_, local, hit) = order[k]
                    cursor.advance(to: local)
                    guard cursor.document == local else { continue }
                    positions.removeAll()
                    cursor.appendPositions(to: &positions)
                    for p in 0..<positions.count where positions[p] >= abstractBase {
                        matches[hit].append(Int(positions[p] - abstractBase))
                    }
                }
                if let damage = cursor.damage { throw .corrupt(file: segment.postings.path, reason: damage) }
            }
            first = end
        }
        var scratch = AnalyzerScratch(stemCacheSlotBits: stemCacheSlotBits)
        return hits.indices.map { hit in
            make(for: hits[hit].paper, matchedPositions: matches[hit], terms: terms, analyzer: index.analyzer, scratch: &scratch)
        }
    }

    /// Collects the abstract's tokens — byte range, position, and which marked term (if any) each one is —
    /// up to the last that the passage can reach: past every position where a marked term stands, and a
    /// window's length past the last token that matched, and one position more (to know that the abstract
    /// goes on).
    private struct Collector: TermSink {
        var terms: [UInt64] = []
        var firstBytes = SIMD4<UInt64>()
        /// The distinct positions where marked terms stand, ascending; `next` is the first not behind the
        /// tokens collected.
        var matchedPositions: [Int] = []
        var next = 0
        var tokens: [(start: Int, end: Int, position: Int, match: Int)] = []
        var lastMatchedToken = -1
        init() {}

        /// Where `next` moves for a token at `position`: positions only grow from token to token.
        @inline(__always)
        func nextMatched(from position: Int) -> Int {
            var k = next
            while k < matchedPositions.count && matchedPositions[k] < position { k += 1 }
            return k
        }

        func needsStem(startingWith byte: UInt8, at position: Int) -> Bool {
            let k = nextMatched(from: position)
            return k < matchedPositions.count && matchedPositions[k] == position
                && firstBytes[Int(byte >> 6)] >> UInt64(byte & 63) & 1 != 0
        }

        /// Done when past every matched position and past the position of the last token a window can reach
        /// (a window ends a window's length after the last token matched, and takes in the rest of a compound).
        var isFinished: Bool {
            guard next == matchedPositions.count, let last = tokens.last else { return false }
            let reach = max(lastMatchedToken, 0) + windowTokens
            return tokens.count > reach && last.position > tokens[reach - 1].position
        }

        mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
            next = nextMatched(from: position)
            var match = -1
            if next < matchedPositions.count && matchedPositions[next] == position {
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for index in term.indices { hash = (hash ^ UInt64(term[index])) &* 0x0000_0100_0000_01B3 }
                match = terms.firstIndex(of: hash) ?? -1
            }
            tokens.append((start, end, position, match))
            if match >= 0 { lastMatchedToken = tokens.count - 1 }
        }
    }

    /// The best passage of the abstract for the marked terms, given where they stand: a window of about 30
    /// words holding the most weight of distinct matched terms (idf), or the opening words when nothing in
    /// the abstract matched.
    static func make(for paper: Paper, matchedPositions: [Int], terms: MarkedTerms, analyzer: Analyzer,
                     scratch: inout AnalyzerScratch) -> Snippet? {
        let abstract = paper.abstract
        guard !abstract.isEmpty else { return nil }
        var collector = Collector()
        collector.terms = terms.hashes
        collector.firstBytes = terms.firstBytes
        let ascending = matchedPositions.sorted()
        collector.matchedPositions = ascending.indices.compactMap { k in
            k > 0 && ascending[k - 1] == ascending[k] ? nil : ascending[k]
        }
        _ = analyzer.analyze(abstract, scratch: &scratch, into: &collector)
        let weights = terms.weights
        let tokens = collector.tokens
        guard !tokens.isEmpty else { return nil }
        let matched = tokens.indices.filter { tokens[$0].match >= 0 }

        // The heaviest window (the most weight of distinct matched terms). Some window as heavy as any starts
        // at the opening or ends at a match (a window moved back keeps its matches until its last token is
        // one), so only those starts are weighed, and the earliest of the heaviest is taken.
        var bestStart = 0
        var bestScore = -1.0
        var candidates = Set(matched.map { max(0, $0 - (windowTokens - 1)) })
        candidates.insert(0)
        var seen = [Bool](repeating: false, count: weights.count)
        for start in candidates.sorted() {
            let end = min(tokens.count, start + windowTokens)
            for k in seen.indices { seen[k] = false }
            for index in matched where index >= start && index < end { seen[tokens[index].match] = true }
            // Summed in the terms' order, so that windows holding the same terms weigh the same to the bit.
            var score = 0.0
            for term in seen.indices where seen[term] { score += weights[term] }
            if score > bestScore {
                bestScore = score
                bestStart = start
            }
        }
        // A window past the opening then moves to start 4 tokens before its first match, as far as its last
        // match allows, so that the passage leads into what matched; it holds the same matches, perhaps more.
        let inWindow = matched.filter { $0 >= bestStart && $0 < bestStart + windowTokens }
        if bestStart > 0, let first = inWindow.first, let last = inWindow.last {
            bestStart = max(first - 4, last - (windowTokens - 1))
        }
        var end = min(tokens.count, bestStart + windowTokens)
        // A window ends with the whole of a compound: its parts and joined form share a position.
        while end < tokens.count && tokens[end].position == tokens[end - 1].position { end += 1 }
        let utf8 = Array(abstract.utf8)
        // The window's byte range covers all its tokens (a compound's joined form starts at its first part).
        let window = tokens[bestStart..<end]
        let from = bestStart == 0 ? 0 : (window.map(\.start).min() ?? 0)
        let lastEnd = window.map(\.end).max() ?? utf8.count
        var to = end == tokens.count ? utf8.count : lastEnd
        // Keep punctuation that closes the last word (a full stop, a bracket).
        while to < utf8.count, to < lastEnd + 2, utf8[to] != 0x20, utf8[to] < 0x80 { to += 1 }
        let prefix = from > 0 ? "…" : ""
        let suffix = to < utf8.count ? "…" : ""
        let body = String(decoding: utf8[from..<to], as: UTF8.self)
        let text = prefix + body + suffix

        // Highlights in scalar offsets of `text`, overlapping ranges (compound parts) merged.
        var ranges: [Range<Int>] = []
        for index in matched where index >= bestStart && index < end {
            let lower = min(max(tokens[index].start, from), to)
            let upper = min(max(tokens[index].end, lower), to)
            guard upper > lower else { continue }
            let start = scalarCount(utf8[from..<lower]) + prefix.unicodeScalars.count
            ranges.append(start..<(start + scalarCount(utf8[lower..<upper])))
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<Int>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return Snippet(text: text, highlights: merged)
    }

    private static func scalarCount(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    }
}
