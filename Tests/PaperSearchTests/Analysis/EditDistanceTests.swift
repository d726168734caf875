import Testing
@testable import PaperSearch

@Suite("Edit distance")
struct EditDistanceTests {
    @Test func distancesToEveryPrefixMatchTheOracle() {
        var random = SplitMix64(seed: 31)
        for _ in 0..<300 {
            let a = (0..<random.below(9)).map { _ in UInt8(0x61 + random.below(4)) }
            let b = (0..<random.below(9)).map { _ in UInt8(0x61 + random.below(4)) }
            let row = EditDistance.toPrefixes(a, b)
            #expect(row == (0...b.count).map { FuzzyTermWalkTests.distance(a, Array(b.prefix($0))) })
            #expect(EditDistance.between(a, b) == FuzzyTermWalkTests.distance(a, b))
        }
    }
}
