import Testing
@testable import PaperSearch

@Suite("Stem cache")
struct StemCacheTests {
    /// Looks `word` up, stemming with the English stemmer on a miss; returns the stem and whether it missed.
    func lookUp(_ word: String, in cache: inout StemCache) -> (stem: String, missed: Bool) {
        var buffer: [UInt8] = []
        var missed = false
        let bytes = Array(word.utf8)
        let range = cache.stemRange(of: bytes.span, buffer: &buffer, stemmer: { missed = true; EnglishStemmer.stem(&$0) })
        let stem = range.map { String(decoding: cache.bytes[$0], as: UTF8.self) } ?? String(decoding: buffer, as: UTF8.self)
        return (stem, missed)
    }

    /// A tiny cache (two pairs of slots) under a stream of words that keep evicting and swapping one another
    /// must still answer every word with its stem.
    @Test func answersAreTheStemmersUnderEviction() {
        var cache = StemCache(slotBits: 2)
        var random = SplitMix64(seed: 11)
        let words = ["running", "models", "generalization", "networks", "trained", "studies", "x",
                     String(repeating: "long", count: 9), "attention", "transformers", "learning", "datasets"]
        for _ in 0..<2_000 {
            let word = words[Int(random.next() % UInt64(words.count))]
            #expect(lookUp(word, in: &cache).stem == EnglishStemmer.stem(word), "\(word)")
        }
    }

    /// Two words that share a pair both stay: the second lookup of each is a hit, in either order.
    @Test func aPairHoldsTwoWords() {
        var cache = StemCache(slotBits: 1)  // one pair: every word maps to it
        #expect(lookUp("models", in: &cache).missed)
        #expect(lookUp("training", in: &cache).missed)
        #expect(!lookUp("models", in: &cache).missed)
        #expect(!lookUp("training", in: &cache).missed)
        #expect(!lookUp("models", in: &cache).missed)
        // A third word evicts the least recently used ("training").
        #expect(lookUp("networks", in: &cache).missed)
        #expect(!lookUp("models", in: &cache).missed)
        #expect(lookUp("training", in: &cache).missed)
    }
}
