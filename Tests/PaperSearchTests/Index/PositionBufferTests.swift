import Testing
@testable import PaperSearch

/// `PositionBuffer` against an array doing the same: appends past its first capacity, partial sorts,
/// binary search and reuse after `removeAll`.
@Suite("Position buffer")
struct PositionBufferTests {
    @Test func matchesAnArray() {
        var random = SplitMix64(seed: 7)
        var buffer = PositionBuffer()
        for round in 0..<20 {
            buffer.removeAll()
            var oracle: [UInt32] = []
            // Up to 300 positions a round, in runs, as documents append them: past the first 64 of capacity.
            while oracle.count < 10 + 15 * round {
                let run = 1 + random.below(9)
                // Room for the run, or (every other round) none: appending grows the buffer either way.
                if round % 2 == 0 { buffer.reserve(run) }
                for _ in 0..<run {
                    let value = UInt32(random.below(1_000))
                    buffer.append(value)
                    oracle.append(value)
                }
            }
            #expect(buffer.elements == oracle)
            #expect(buffer.count == oracle.count && buffer.isEmpty == oracle.isEmpty)
            let start = random.below(oracle.count + 1)
            buffer.sort(from: start)
            oracle[start...].sort()
            #expect(buffer.elements == oracle)
            for i in oracle.indices { #expect(buffer[i] == oracle[i]) }
            for value in UInt32(0)..<1_000 {
                #expect(buffer.contains(value, in: start..<oracle.count) == oracle[start...].contains(value))
            }
        }
        buffer.removeAll()
        #expect(buffer.isEmpty && buffer.elements.isEmpty)
    }
}
