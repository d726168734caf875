/// A passage of a paper's abstract around the words that matched, with those words marked.
public struct Snippet: Sendable, Equatable {
    /// The stem cache for a page of hits, made per search: 64 slots (4 KiB), for the few words at matched
    /// positions that a page stems.
    static let stemCacheSlotBits = 6

    /// The passage, with "…" where it was cut from a longer abstract.
    public var text: String
    /// The matched words, as ranges of character (Unicode scalar) offsets into `text`.
    public var highlights: [Range<Int>]

    /// How many positions (words, stop words included) a passage spans.
    static let windowPositions = 42

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
        /// Other words cannot stem to a marked term, so they are not stemmed.
        var firstBytes = StemFirstBytes()
        /// The plan's number of each term above.
        var planTerms: [Int] = []

        /// None (an empty sink's).
        init() {}

        init(_ plan: SearchPlan) {
            for termIndex in plan.scoringTerms {
                let term = plan.terms[termIndex]
                guard term.namespace == .text, term.field != .title else { continue }
                let hash = StableHash.fnv1a64(term.bytes)
                guard !hashes.contains(hash) else { continue }
                hashes.append(hash)
                weights.append(max(term.weight, 0.01))
                planTerms.append(termIndex)
            }
            firstBytes = StemFirstBytes(of: planTerms.lazy.map { plan.terms[$0].bytes })
        }
    }

    /// A marked term standing at a position of an abstract (counted from the abstract's first word).
    struct Match: Comparable {
        var position: Int
        var term: Int
        static func < (a: Match, b: Match) -> Bool { (a.position, a.term) < (b.position, b.term) }
    }

    /// The snippets of a page of hits. Where the marked terms stand in each abstract is read from the positions
    /// the index keeps (a cursor per term and segment, moving forward through the page's papers in document
    /// order); the passage is chosen from them, so an abstract is analysed only as far as the passage's end,
    /// and only words at matched positions in it are stemmed: to tell which part of a compound, or which of
    /// the words at a position, matched.
    static func add(to hits: inout [Hit], plan: SearchPlan, index: SearchIndex) throws(IndexError) {
        let terms = MarkedTerms(plan)
        var matches = [[Match]](repeating: [], count: hits.count)
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
            for (term, planTerm) in terms.planTerms.enumerated() {
                var cursor = segment.cursor(plan.terms[planTerm].indexed.infos[s])
                for k in first..<end {
                    let (_, local, hit) = order[k]
                    cursor.advance(to: local)
                    guard cursor.document == local else { continue }
                    positions.removeAll()
                    cursor.appendPositions(to: &positions)
                    for p in 0..<positions.count where positions[p] >= abstractBase {
                        matches[hit].append(Match(position: Int(positions[p] - abstractBase), term: term))
                    }
                }
                if let damage = cursor.damage { throw .corrupt(file: segment.postings.path, reason: damage) }
            }
            first = end
        }
        var scratch = AnalyzerScratch(stemCacheSlotBits: stemCacheSlotBits)
        for hit in hits.indices {
            hits[hit].snippet = make(for: hits[hit].paper, matches: matches[hit], terms: terms, analyzer: index.analyzer, scratch: &scratch)
        }
    }

    /// The first position of the passage: of the windows of `windowPositions` positions, the earliest of
    /// those holding the most weight of distinct marked terms. Some window as heavy as any starts at the
    /// opening or ends at a match (a window moved back keeps its matches until its last position is one), so
    /// only those are weighed. A window past the opening then moves to start 4 positions before its first
    /// match, as far as its last match allows, so that the passage leads into what matched: it holds the same
    /// matches, perhaps more. `matches` are ascending.
    static func passageStart(_ matches: [Match], weights: [Double]) -> Int {
        var candidates = Set(matches.map { max(0, $0.position - (windowPositions - 1)) })
        candidates.insert(0)
        var best = 0, bestWeight = -1.0
        var seen = [Bool](repeating: false, count: weights.count)
        for start in candidates.sorted() {
            for k in seen.indices { seen[k] = false }
            for match in matches where match.position >= start && match.position < start + windowPositions { seen[match.term] = true }
            // Summed in the terms' order, so that windows holding the same terms weigh the same to the bit.
            var weight = 0.0
            for term in seen.indices where seen[term] { weight += weights[term] }
            if weight > bestWeight { (best, bestWeight) = (start, weight) }
        }
        let inWindow = matches.filter { $0.position >= best && $0.position < best + windowPositions }
        if best > 0, let first = inWindow.first, let last = inWindow.last {
            best = max(first.position - 4, last.position - (windowPositions - 1))
        }
        return best
    }

    /// Collects the tokens at positions `window` (byte range, and whether it is a marked term), and notes
    /// whether any stands after it, where the analysis stops.
    private struct Collector: TermSink {
        var terms = MarkedTerms()
        var window = 0..<0
        /// The distinct positions in the window where marked terms stand, ascending; `next` is the first not
        /// behind the tokens collected.
        var matchedPositions: [Int] = []
        var next = 0
        var tokens: [(start: Int, end: Int, matched: Bool)] = []
        private(set) var isFinished = false
        var firstWantedPosition: Int { window.lowerBound }
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
            return k < matchedPositions.count && matchedPositions[k] == position && terms.firstBytes.contains(byte)
        }

        mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
            guard position >= window.lowerBound else { return }
            guard position < window.upperBound else {
                isFinished = true
                return
            }
            next = nextMatched(from: position)
            var matched = false
            if next < matchedPositions.count && matchedPositions[next] == position {
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for index in term.indices { hash = (hash ^ UInt64(term[index])) &* 0x0000_0100_0000_01B3 }
                matched = terms.hashes.contains(hash)
            }
            tokens.append((start, end, matched))
        }
    }

    /// The best passage of the abstract for the marked terms, given where they stand (`passageStart`), or the
    /// opening words when nothing in the abstract matched; its matched words marked.
    static func make(for paper: Paper, matches: [Match], terms: MarkedTerms, analyzer: Analyzer,
                     scratch: inout AnalyzerScratch) -> Snippet? {
        let abstract = paper.abstract
        guard !abstract.isEmpty else { return nil }
        let ascending = matches.sorted()
        let first = passageStart(ascending, weights: terms.weights)
        var collector = Collector()
        collector.terms = terms
        collector.window = first..<(first + windowPositions)
        for match in ascending where collector.window.contains(match.position) && collector.matchedPositions.last != match.position {
            collector.matchedPositions.append(match.position)
        }
        _ = analyzer.analyze(abstract, scratch: &scratch, into: &collector)
        let tokens = collector.tokens
        guard !tokens.isEmpty else { return nil }

        let utf8 = Array(abstract.utf8)
        // The passage's byte range covers all its tokens (a compound's joined form starts at its first part).
        let from = first == 0 ? 0 : (tokens.map(\.start).min() ?? 0)
        let lastEnd = tokens.map(\.end).max() ?? utf8.count
        var to = collector.isFinished ? lastEnd : utf8.count
        // Keep punctuation that closes the last word (a full stop, a bracket).
        while to < utf8.count, to < lastEnd + 2, utf8[to] != 0x20, utf8[to] < 0x80 { to += 1 }
        let prefix = from > 0 ? "…" : ""
        let suffix = to < utf8.count ? "…" : ""
        let body = String(decoding: utf8[from..<to], as: UTF8.self)
        let text = prefix + body + suffix

        // Highlights in scalar offsets of `text`, overlapping ranges (compound parts) merged.
        var ranges: [Range<Int>] = []
        for token in tokens where token.matched {
            let lower = min(max(token.start, from), to)
            let upper = min(max(token.end, lower), to)
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
