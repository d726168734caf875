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

    /// Collects the abstract's indexed terms: byte range and which query term (if any) each one is, found by
    /// a 64-bit hash of the term so that no string is made per token.
    private struct Collector: TermSink {
        var queryHashes: [UInt64] = []
        /// The first bytes of the query's terms (a bit per byte value), and of words stemming can change the
        /// first byte of: other words cannot stem to a query term, so they are not stemmed.
        var firstBytes = SIMD4<UInt64>()
        var tokens: [(start: Int, end: Int, match: Int)] = []
        init() {}

        mutating func addFirstByte(_ byte: UInt8) {
            firstBytes[Int(byte >> 6)] |= 1 << UInt64(byte & 63)
        }

        func needsStem(startingWith byte: UInt8) -> Bool {
            firstBytes[Int(byte >> 6)] >> UInt64(byte & 63) & 1 != 0
        }

        mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for index in term.indices { hash = (hash ^ UInt64(term[index])) &* 0x0000_0100_0000_01B3 }
            tokens.append((start, end, queryHashes.firstIndex(of: hash) ?? -1))
        }
    }

    /// The best passage of the abstract for the plan's terms: the window of about 30 words holding the most
    /// weight of distinct matched terms (idf), or the opening words when nothing in the abstract matched.
    static func make(for paper: Paper, plan: SearchPlan, index: SearchIndex, scratch: inout AnalyzerScratch) -> Snippet? {
        let abstract = paper.abstract
        guard !abstract.isEmpty else { return nil }
        var collector = Collector()
        var weights: [Double] = []
        for termIndex in plan.scoringTerms {
            let term = plan.terms[termIndex]
            guard term.namespace == .text, term.field != .title else { continue }
            collector.queryHashes.append(StableHash.fnv1a64(term.bytes))
            if let first = term.bytes.first { collector.addFirstByte(first) }
            weights.append(max(term.weight, 0.01))
        }
        if collector.needsStem(startingWith: UInt8(ascii: "e")) {
            // American spelling turns a leading "ae" or "oe" into "e" (aetiology, oestrogen).
            collector.addFirstByte(UInt8(ascii: "a"))
            collector.addFirstByte(UInt8(ascii: "o"))
        }
        collector.addFirstByte(UInt8(ascii: "'"))  // Porter2 drops a leading apostrophe
        collector.addFirstByte(0xE2)  // the first byte of a typographic apostrophe, should one reach the stemmer
        index.analyzer.analyze(abstract, scratch: &scratch, into: &collector)
        let tokens = collector.tokens
        guard !tokens.isEmpty else { return nil }
        let matched = tokens.indices.filter { tokens[$0].match >= 0 }

        // Best window start: the most distinct matched weight, earlier windows winning ties.
        var bestStart = 0
        var bestScore = -1.0
        var candidates = Set(matched.map { max(0, $0 - 4) })
        candidates.insert(0)
        var seen = [Bool](repeating: false, count: weights.count)
        for start in candidates.sorted() {
            let end = min(tokens.count, start + windowTokens)
            for k in seen.indices { seen[k] = false }
            var score = 0.0
            for index in matched where index >= start && index < end {
                let term = tokens[index].match
                if !seen[term] { seen[term] = true; score += weights[term] }
            }
            if score > bestScore {
                bestScore = score
                bestStart = start
            }
        }
        let end = min(tokens.count, bestStart + windowTokens)
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
