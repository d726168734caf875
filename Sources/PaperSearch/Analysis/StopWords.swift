/// Stop words: frequent function words that carry almost no meaning for ranking and are not indexed.
///
/// PaperSearch uses Lucene's English list (`EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`, 33 words), which is
/// also tantivy's `english` filter and bm25s' `en` list. It is short on purpose: on abstracts a long list
/// (SMART's 571 words) removes words like "first", "new" or "used" that sometimes matter, while these 33
/// cost nothing in relevance; and sharing the peers' list keeps comparisons with them fair.
/// A removed word still takes its position, so phrases keep their gaps ("model of the brain" matches
/// "model of a brain" but not "model brain").
public struct StopWords: Sendable, Equatable {
    /// Each word packed into a UInt64 (see `pack`), in an open-addressing table: looking a term up costs a
    /// multiply, a shift and a compare or two, with no hashing of bytes.
    private let slots: [UInt64]
    private static let slotBits = 7
    /// The words, for display.
    public let words: [String]
    /// A name recorded in the index.
    public let name: String

    public init(name: String, words: [String]) {
        self.name = name
        self.words = words
        var slots = [UInt64](repeating: 0, count: 1 << StopWords.slotBits)
        for word in words {
            let bytes = Array(word.utf8)
            guard let key = StopWords.pack(bytes.span) else { continue }
            var slot = StopWords.slot(key)
            while slots[slot] != 0 && slots[slot] != key { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = key
        }
        self.slots = slots
    }

    public static let lucene = StopWords(name: "lucene-33", words: [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with",
    ])

    /// No stop words at all.
    public static let none = StopWords(name: "none", words: [])

    /// Whether a folded, unstemmed term is a stop word.
    @inline(__always)
    func contains(_ term: Span<UInt8>) -> Bool {
        guard !words.isEmpty, let key = StopWords.pack(term) else { return false }
        var slot = StopWords.slot(key)
        while true {
            let stored = slots[slot]
            if stored == key { return true }
            if stored == 0 { return false }
            slot = (slot + 1) & (slots.count - 1)
        }
    }

    @inline(__always) private static func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits))
    }

    /// Up to 8 bytes as one integer; nil for longer terms (which are never stop words here).
    @inline(__always)
    static func pack(_ term: Span<UInt8>) -> UInt64? {
        guard term.count <= 7 else { return nil }
        var value: UInt64 = 0
        for index in term.indices { value = value << 8 | UInt64(term[index]) }
        return value | UInt64(term.count) << 56
    }

    public static func == (lhs: StopWords, rhs: StopWords) -> Bool { lhs.name == rhs.name && lhs.words == rhs.words }
}
