import Testing
@testable import PaperSearch

@Suite("Stem endings")
struct StemEndingsTests {
    @Test func endingCostsAreTheNearestEndingByBruteForce() {
        var random = SplitMix64(seed: 29)
        var words: [[UInt8]] = ["gendrtaion", "generation", "optimizaion", "skewness", "abc", "ab", ""].map { Array($0.utf8) }
        for _ in 0..<200 { words.append((0..<random.below(14)).map { _ in UInt8(0x61 + random.below(26)) }) }
        for word in words {
            for limit in 0...2 {
                let costs = StemEndings.costs(StemEndings.Distances(word), limit: limit)
                #expect(costs.count == word.count + 1)
                // Read from the ends of a longer word, as a correction's second walk reads them.
                let longer = [UInt8(ascii: "q")] + word
                #expect(StemEndings.costs(StemEndings.Distances(longer), droppingFirst: 1, limit: limit) == costs)
                for start in 0...word.count {
                    let expected: Int
                    if start == word.count {
                        expected = 0
                    } else if start < StemEndings.shortestStem {
                        expected = limit + 1
                    } else {
                        expected = min(limit + 1, StemEndings.endings.map { FuzzyTermWalkTests.distance($0, Array(word[start...])) }.min() ?? limit + 1)
                    }
                    #expect(min(costs[start], limit + 1) == expected, "\(String(decoding: word, as: UTF8.self)) from \(start) within \(limit)")
                }
            }
        }
        // "gendrtaion": "ion" is an ending, and "taion" one swap from "ation".
        let costs = StemEndings.costs(StemEndings.Distances(Array("gendrtaion".utf8)), limit: 2)
        #expect(costs[7] == 0 && costs[5] == 1)
    }
}
