import Testing
@testable import PaperSearch

/// The frequency cutoff (of a ranked AND's lead, a ranked OR's one essential word, one word alone) answers
/// as its formula does, at every frequency: a document
/// without the term in its title is tested against a precomputed integer limit, which must never differ.
@Suite("Frequency cutoff")
struct FrequencyCutoffTests {
    @Test func answersAsTheFormulaAtEveryFrequency() {
        var random = SplitMix64(seed: 17)
        func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        var factors: [(title: Double, abstract: Double, limit: Double)] = [
            (0, 0, -1), (0, 0, 0), (0.5, 0, 3), (0, 0.7, 0), (1e-300, 1e-310, 5), (0.3, 0.3, 0.9),
        ]
        for _ in 0..<300 {
            let title = unit() < 0.2 ? 0 : 0.05 + 2 * unit(), abstract = unit() < 0.1 ? 0 : 0.05 + 2 * unit()
            // Limits on a whole number of abstract factors too, where rounding decides.
            let limit = unit() < 0.5 ? 40 * unit() : abstract * Double(Int(random.next() % 40))
            factors.append((title, abstract, limit))
        }
        for (title, abstract, limit) in factors {
            let cutoff = FrequencyCutoff(titleFactor: title, abstractFactor: abstract, limit: limit)
            let estimate = abstract > 0 ? Int(min(limit / abstract, 1e6)) : 0
            let frequencies = Array(0...200) + (max(0, estimate - 3)...(estimate + 3)) + [65_535, UInt32.max - 1, UInt32.max].map(Int.init)
            for t in [UInt32(0), 1, 2, 7] {
                for a in frequencies.map(UInt32.init) {
                    let formula = Double(t) * title + Double(a) * abstract <= limit
                    #expect(cutoff.rulesOut(titleFrequency: t, abstractFrequency: a) == formula, "\(title) \(abstract) \(limit): \(t) \(a)")
                }
            }
        }
    }
}
