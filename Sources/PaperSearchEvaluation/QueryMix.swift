import PaperSearch

/// A fixed-seed mix of queries drawn from an index itself, for `papers bench` without a query log: single
/// words of high, middle and low document frequency, two- and three-word OR, AND, phrases (a title's first
/// two words, quoted), 5-10 word natural-language queries (a paper's title), field and year filters,
/// `similar` of a random paper, and whole titles, quoted.
package enum QueryMix {
    package static func draw(from index: SearchIndex, seed: UInt64, perType: Int = 100) throws(IndexError) -> [LatencyBenchmark.Query] {
        var random = SplitMix64(seed: seed)
        guard index.documentCount > 0 else { return [] }
        // Document numbers of deleted papers are drawn again (`documentCount > 0`: some number is live).
        func randomPaper() throws(IndexError) -> Paper {
            while true {
                let document = Int(random.next() % UInt64(index.documentLimit))
                if index.isLive(document) { return try index.paper(at: document) }
            }
        }
        // Words as people type them, taken from the papers themselves, ranked by the document frequency of
        // their indexed term (stop words and words of one paper left out).
        var frequencyOfWord: [String: Int] = [:]
        for _ in 0..<min(3000, index.documentCount * 4) {
            let paper = try randomPaper()
            for word in (paper.title + " " + paper.abstract).split(whereSeparator: { !$0.isLetter }) where word.count > 3 {
                let lower = word.lowercased()
                guard frequencyOfWord[lower] == nil, lower.unicodeScalars.allSatisfy({ $0.isASCII }),
                      let term = index.analyzer.tokens(lower).first?.indexedTerm,
                      let info = try index.lookup(.text, Array(term.utf8)), info.documentFrequency >= 2 else { continue }
                frequencyOfWord[lower] = info.documentFrequency
            }
        }
        let words = frequencyOfWord.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { ($0.key, $0.value) }
        guard !words.isEmpty else { return [] }
        let third = max(1, words.count / 3)
        func pick(_ range: Range<Int>) -> String { words[range.lowerBound + Int(random.next() % UInt64(max(1, range.count)))].0 }
        func any() -> String { pick(0..<min(words.count, third * 2)) }
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
            queries.append(.init(text: "\(any()) +year:>=2020", type: "year", form: .syntax))  // a filter: required
            queries.append(.init(text: try randomPaper().id, type: "similar", form: .similar))
        }
        // Drawn after the others, so that adding them left the other types' queries as they were.
        for _ in 0..<perType {
            let title = try randomPaper().title
            if title.split(separator: " ").count >= 2 {
                queries.append(.init(text: "\"" + title.replacingQuotes() + "\"", type: "title-phrase", form: .syntax))
            }
        }
        return queries
    }
}

extension String {
    fileprivate func replacingQuotes() -> String { String(map { $0 == "\"" ? " " : $0 }) }
}
