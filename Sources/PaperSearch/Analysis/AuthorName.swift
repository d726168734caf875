/// Author names as `author:` matches them: in any order, with initials.
///
/// A name is indexed word by word (folded, so `M\"uller`, `Müller` and `Muller` are one word) and each word
/// also as its initial ("zechun" -> "z."). A name in a query is split the same way; a word of one letter
/// ("Z" of "Z. Liu" or "Liu, Z.") stands for an initial and matches any word of an author starting with that
/// letter, a longer word matches that word. Every part must be found in one and the same author.
enum AuthorName {
    /// The initial term of a folded word: its first letter and a period; nil when it does not start with an
    /// ASCII letter (a folded word starts with one unless it is a number or a CJK character).
    static func initial(of word: Span<UInt8>) -> [UInt8]? {
        guard !word.isEmpty, word[0] &- 0x61 < 26 else { return nil }
        return [word[0], UInt8(ascii: ".")]
    }

    /// What one part of a queried name must match: a word, or (for a one-letter part) an initial.
    static func queryTerm(_ folded: String) -> [UInt8] {
        let bytes = Array(folded.utf8)
        if bytes.count == 1, let initial = initial(of: bytes.span) { return initial }
        return bytes
    }
}
