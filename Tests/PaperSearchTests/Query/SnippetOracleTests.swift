import Foundation
import Testing
@testable import PaperSearch

/// Snippets are chosen from where the index says the query's terms stand, analysing an abstract only as far as
/// the passage's end. The oracle analyses every abstract whole (`Analyzer.tokens`, the tokens `papers
/// analyze` shows) and tries every window of those tokens: the two must agree to the byte and the range.
@Suite struct SnippetOracleTests {
    /// The snippet from the whole abstract's tokens: a window of `Snippet.windowPositions` positions holding
    /// the most weight of distinct marked terms, cut and marked as the searcher does. `marked` is each marked
    /// term with its weight, in the plan's order.
    static func wholeAbstractSnippet(_ abstract: String, marked: [(term: String, weight: Double)], analyzer: Analyzer) -> Snippet? {
        guard !abstract.isEmpty else { return nil }
        let tokens = analyzer.tokens(abstract).compactMap { token in
            token.indexedTerm.map { term in
                (range: token.utf8Range, position: token.position, match: marked.firstIndex { $0.term == term } ?? -1)
            }
        }
        let window = Snippet.windowPositions
        func matches(from start: Int) -> [(range: Range<Int>, position: Int, match: Int)] {
            tokens.filter { $0.match >= 0 && $0.position >= start && $0.position < start + window }
        }
        func weight(from start: Int) -> Double {
            Set(matches(from: start).map(\.match)).sorted().reduce(0) { $0 + marked[$1].weight }
        }
        // The earliest of the heaviest windows, every start tried; past the opening, moved to start 4
        // positions before its first match, as far as its last match allows.
        var best = 0
        for start in 0...(tokens.last?.position ?? 0) where weight(from: start) > weight(from: best) { best = start }
        if best > 0, let first = matches(from: best).first, let last = matches(from: best).last {
            best = max(first.position - 4, last.position - (window - 1))
        }
        let inWindow = tokens.filter { $0.position >= best && $0.position < best + window }
        guard !inWindow.isEmpty else { return nil }
        let utf8 = Array(abstract.utf8)
        let from = best == 0 ? 0 : inWindow.map(\.range.lowerBound).min() ?? 0
        let lastEnd = inWindow.map(\.range.upperBound).max() ?? utf8.count
        var to = tokens.contains { $0.position >= best + window } ? lastEnd : utf8.count
        while to < utf8.count, to < lastEnd + 2, utf8[to] != 0x20, utf8[to] < 0x80 { to += 1 }
        let prefix = from > 0 ? "…" : "", suffix = to < utf8.count ? "…" : ""
        func scalars(_ range: Range<Int>) -> Int { utf8[range].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) } }
        var ranges: [Range<Int>] = []
        for token in inWindow where token.match >= 0 {
            let lower = min(max(token.range.lowerBound, from), to), upper = min(max(token.range.upperBound, lower), to)
            guard upper > lower else { continue }
            let start = scalars(from..<lower) + prefix.unicodeScalars.count
            ranges.append(start..<(start + scalars(lower..<upper)))
        }
        var merged: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return Snippet(text: prefix + String(decoding: utf8[from..<to], as: UTF8.self) + suffix, highlights: merged)
    }

    /// The terms a search marks: its scoring terms of abstracts (or of titles and abstracts), each once.
    static func marked(_ query: String, index: SearchIndex) throws -> [(term: String, weight: Double)] {
        let plan = try PlanBuilder.build(try QueryParser.parse(query), index: index, parameters: index.parameters)
        var marked: [(term: String, weight: Double)] = []
        for termIndex in plan.scoringTerms {
            let term = plan.terms[termIndex]
            let text = String(decoding: term.bytes, as: UTF8.self)
            guard term.namespace == .text, term.field != .title, !marked.contains(where: { $0.term == text }) else { continue }
            marked.append((text, max(term.weight, 0.01)))
        }
        return marked
    }

    /// Queries of words from the papers' own abstracts (one to four, compounds among them), and some that
    /// are corrected or expanded.
    static func queries(from papers: [Paper], count: Int, seed: UInt64) -> [String] {
        var random = SplitMix64(seed: seed)
        var queries = ["pre-training", "state-of-the-art models", "tranformer attention", "LLM", "abstract:graph neural"]
        while queries.count < count {
            let words = papers[Int(random.next() % UInt64(papers.count))].abstract.split(separator: " ")
            guard words.count > 10 else { continue }
            let length = Int(random.next() % 4) + 1
            let start = Int(random.next() % UInt64(words.count - length))
            // Letters and inner hyphens only: no query syntax.
            let kept = words[start..<(start + length)].map { word in
                String(word.filter { $0.isLetter || $0 == "-" }).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
            }
            if kept.contains(where: { !$0.isEmpty }) { queries.append(kept.filter { !$0.isEmpty }.joined(separator: " ")) }
        }
        return queries
    }

    func expectSnippetsMatchTheOracle(_ index: SearchIndex, queries: [String]) throws {
        let searcher = try Searcher(index: index)
        var checked = 0, marked = 0
        for query in queries {
            let terms = try Self.marked(query, index: index)
            for hit in try searcher.search(query, options: SearchOptions(limit: 10)).hits {
                let expected = Self.wholeAbstractSnippet(hit.paper.abstract, marked: terms, analyzer: index.analyzer)
                #expect(hit.snippet == expected, "'\(query)', paper \(hit.id)")
                checked += 1
                marked += hit.snippet?.highlights.isEmpty == false ? 1 : 0
            }
        }
        #expect(checked > 5 * queries.count && marked > checked / 2, "\(checked) hits checked, \(marked) with marks")
    }

    @Test func snippetsAreThoseOfTheWholeAbstract() throws {
        let (index, papers) = try SearchFixtures.arxiv()
        try expectSnippetsMatchTheOracle(index, queries: Self.queries(from: papers, count: 80, seed: 5))
    }

    /// Papers of several segments: each segment's cursors move through its own hits of the page.
    @Test func snippetsAcrossSegments() throws {
        let scratch = ScratchDirectory()
        let papers = Array(try arxivSamplePapers().prefix(1_500))
        var options = IndexWriter.Options()
        options.mergePolicy = .never
        for part in 0..<3 {
            let writer = try IndexWriter(directory: scratch.path, options: options)
            for paper in papers[(part * 500)..<((part + 1) * 500)] { try writer.add(paper) }
            _ = try writer.commit()
        }
        let index = try SearchIndex.open(at: scratch.path)
        #expect(index.segments.count == 3)
        try expectSnippetsMatchTheOracle(index, queries: Self.queries(from: papers, count: 60, seed: 6))
    }
}
