/// A fixed-seed mix of queries drawn from an index itself, for `papers bench` without a query log: single
/// words of high, middle and low document frequency, two- and three-word OR, AND, phrases, 5-10 word
/// natural-language queries (a paper's title), field and year filters, and `similar` of a random paper.
package enum QueryMix {
    package static func draw(from index: SearchIndex, seed: UInt64, perType: Int = 100) throws(IndexError) -> [LatencyBenchmark.Query] {
        var random = SplitMixGenerator(seed: seed)
        var words: [(String, Int)] = []
        try index.terms.forEachTerm { (bytes: [UInt8], info: TermInfo) throws(IndexError) in
            guard bytes.first == FieldNamespace.text.rawValue, bytes.count > 3, info.documentFrequency >= 2,
                  bytes.dropFirst().allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return }
            words.append((String(decoding: bytes.dropFirst(), as: UTF8.self), info.documentFrequency))
        }
        guard !words.isEmpty, index.documentCount > 0 else { return [] }
        words.sort { $0.1 > $1.1 }
        let third = max(1, words.count / 3)
        func pick(_ range: Range<Int>) -> String { words[range.lowerBound + Int(random.next() % UInt64(max(1, range.count)))].0 }
        func any() -> String { pick(0..<min(words.count, third * 2)) }
        func randomPaper() throws(IndexError) -> Paper { try index.paper(at: Int(random.next() % UInt64(index.documentCount))) }
        var queries: [LatencyBenchmark.Query] = []
        for _ in 0..<perType {
            queries.append(.init(text: pick(0..<min(words.count, 100)), type: "1-word-high", form: .syntax))
            queries.append(.init(text: pick(third..<min(words.count, 2 * third)), type: "1-word-mid", form: .syntax))
            queries.append(.init(text: pick((2 * third)..<words.count), type: "1-word-low", form: .syntax))
            queries.append(.init(text: "\(any()) \(any())", type: "2-word-or", form: .syntax))
            queries.append(.init(text: "\(any()) \(any()) \(any())", type: "3-word-or", form: .syntax))
            queries.append(.init(text: "+\(any()) +\(any())", type: "and", form: .syntax))
            let title = try randomPaper().title
            let titleWords = title.split(separator: " ").prefix(2).map(String.init)
            if titleWords.count == 2 {
                queries.append(.init(text: "\"" + titleWords.joined(separator: " ").replacingQuotes() + "\"", type: "phrase", form: .syntax))
            }
            let sentence = try randomPaper().title.split(separator: " ").prefix(10)
            if sentence.count >= 5 { queries.append(.init(text: sentence.joined(separator: " "), type: "5-10-words", form: .plain)) }
            queries.append(.init(text: "title:\(any()) \(any())", type: "field", form: .syntax))
            queries.append(.init(text: "\(any()) year:>=2020", type: "year", form: .syntax))
            queries.append(.init(text: try randomPaper().id, type: "similar", form: .similar))
        }
        return queries
    }
}

extension String {
    fileprivate func replacingQuotes() -> String { String(map { $0 == "\"" ? " " : $0 }) }
}

/// SplitMix64, for reproducible draws without Foundation.
struct SplitMixGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
