/// Remembers recent stems: word frequencies in abstracts are Zipfian, so a small direct-mapped cache answers
/// most words without running the stemmer (stemming is a pure function of the word, so a hit is always right).
///
/// Layout: `2^slotBits` slots of 64 bytes in one array, a cache line each:
/// `[word length][stem length][word: 31 bytes][stem: 31 bytes]`, length 0 meaning empty.
/// Words longer than 31 bytes are not cached.
struct StemCache {
    /// Slots for indexing: 16,384 (1 MiB), for a whole corpus's vocabulary.
    static let defaultSlotBits = 14
    static let maximumLength = 31
    private let slotBits: Int
    private var storage: [UInt8]

    /// The slots are allocated on the first miss, so a cache that is never used costs nothing. A cache for a
    /// few abstracts (snippets) wants few slots: it is made per search, and zeroing 1 MiB each time cost
    /// more than the stemming it saved.
    init(slotBits: Int = StemCache.defaultSlotBits) {
        self.slotBits = slotBits
        storage = []
    }

    private init(empty: Void) {
        slotBits = 0
        storage = []
    }

    /// A placeholder without storage, swapped for a real cache before use.
    static var empty: StemCache { StemCache(empty: ()) }

    @inline(__always) private func slot(of word: Span<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for index in word.indices { hash = (hash ^ UInt64(word[index])) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: hash >> UInt64(64 - slotBits))
    }

    /// Where the stem of `word` lies in `storage`, running `stemmer` (in `buffer`) only on a miss; nil for
    /// words too long to cache, whose stem is then left in `buffer`.
    @inline(__always)
    mutating func stemRange(of word: Span<UInt8>, buffer: inout [UInt8], stemmer: (inout [UInt8]) -> Void) -> Range<Int>? {
        let length = word.count
        guard length <= StemCache.maximumLength else {
            buffer.removeAll(keepingCapacity: true)
            for index in word.indices { buffer.append(word[index]) }
            stemmer(&buffer)
            return nil
        }
        if storage.isEmpty { storage = [UInt8](repeating: 0, count: 64 << slotBits) }
        let base = slot(of: word) << 6
        if Int(storage[base]) == length {
            var i = 0
            while i < length && storage[base + 2 + i] == word[i] { i += 1 }
            if i == length {
                return (base + 33)..<(base + 33 + Int(storage[base + 1]))
            }
        }
        buffer.removeAll(keepingCapacity: true)
        for index in word.indices { buffer.append(word[index]) }
        stemmer(&buffer)
        guard buffer.count <= StemCache.maximumLength else { return nil }
        storage[base] = UInt8(length)
        storage[base + 1] = UInt8(buffer.count)
        for index in word.indices { storage[base + 2 + index] = word[index] }
        for (index, byte) in buffer.enumerated() { storage[base + 33 + index] = byte }
        return (base + 33)..<(base + 33 + buffer.count)
    }

    /// The cached bytes (read through the ranges `stemRange` returns).
    var bytes: [UInt8] { storage }
}
