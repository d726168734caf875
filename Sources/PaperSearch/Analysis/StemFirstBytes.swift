/// The first bytes of the words that may stem to one of some terms, for a `TermSink` that only looks for
/// those terms and so declines to stem every other word (`TermSink.needsStem`).
///
/// Both stemmers keep a word's first byte but for a leading apostrophe, which Porter2 drops (a typographic one
/// starts with 0xE2), and American spelling changes it only from "a" or "o" to "e" (aetiology, oestrogen):
/// so a word may stem to a term when it starts with the term's first byte, with an apostrophe, or with "a" or
/// "o" where a term starts with "e". A bit per byte value.
struct StemFirstBytes {
    private var bits = SIMD4<UInt64>()

    /// Nothing may stem to no term.
    init() {}

    init<Terms: Sequence>(of terms: Terms) where Terms.Element == [UInt8] {
        for term in terms {
            guard let first = term.first else { continue }
            insert(first)
            if first == UInt8(ascii: "e") {
                insert(UInt8(ascii: "a"))
                insert(UInt8(ascii: "o"))
            }
        }
        insert(UInt8(ascii: "'"))
        insert(0xE2)
    }

    private mutating func insert(_ byte: UInt8) {
        bits[Int(byte >> 6)] |= 1 << UInt64(byte & 63)
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        bits[Int(byte >> 6)] >> UInt64(byte & 63) & 1 != 0
    }
}
