import Testing
@testable import PaperSearch

/// `PositionBuffer` against an array doing the same: appends past its first capacity, partial sorts,
/// overwrites, truncation and reuse after `removeAll`.
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
            // Keep every other value, in place, as a phrase check filters its starts.
            var kept = 0
            buffer.withUnsafeElements { elements in
                for i in elements.indices where i % 2 == 0 {
                    unsafe elements[kept] = elements[i]
                    kept += 1
                }
            }
            for i in oracle.indices where i % 2 == 0 { oracle[i / 2] = oracle[i] }
            buffer.truncate(to: kept)
            oracle.removeLast(oracle.count - kept)
            #expect(buffer.elements == oracle)
        }
        buffer.removeAll()
        #expect(buffer.isEmpty && buffer.elements.isEmpty)
    }
}
