/// Ids for papers whose source gives none, and the title normalisation behind them.
///
/// A derived id is `t-` followed by 16 hex digits of the FNV-1a 64-bit hash of the normalised title, so the
/// same title gives the same id on every rebuild and every machine, and the same paper listed on two pages
/// (under the same title) is recognised as one.
public enum PaperID {
    /// The id derived from a title.
    public static func derived(fromTitle title: String) -> String {
        let normalized = normalizedTitle(title)
        var hash = StableHash.fnv1a64(normalized.utf8)
        if normalized.isEmpty { hash = StableHash.fnv1a64(title.utf8) }
        let hex = String(hash, radix: 16)
        return "t-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Lowercase, diacritics and compatibility forms folded, every run of other characters one space:
    /// "Schrödinger's  Cat—Revisited" -> "schrodinger s cat revisited".
    public static func normalizedTitle(_ title: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(title.utf8.count)
        var pendingSpace = false
        for scalar in title.unicodeScalars {
            let mark = output.count
            let kind: CharacterFolding.Kind
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): output.append(byte | 0x20); kind = .letter
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    output.append(byte); kind = .letter
                default: kind = .separator
                }
            } else {
                kind = CharacterFolding.fold(scalar, into: &output)
            }
            switch kind {
            case .letter, .digit, .standalone:
                if pendingSpace && mark > 0 { output.insert(UInt8(ascii: " "), at: mark) }
                pendingSpace = kind == .standalone
            case .dropped:
                break
            case .hyphen, .apostrophe, .separator:
                output.removeSubrange(mark...)
                pendingSpace = true
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

/// Hashes that never change between runs or machines (Swift's `Hasher` is seeded per process).
public enum StableHash {
    /// 64-bit FNV-1a.
    public static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// Whitespace clean-up shared by the readers.
enum TextCleanup {
    /// Trims the ends and turns every run of white space (ASCII white space, line breaks and no-break
    /// spaces) into one space. Works on UTF-8 bytes; text that needs no change is returned as is.
    static func collapsingWhitespace(_ text: String) -> String {
        var text = text
        text.makeContiguousUTF8()
        return collapse(text.utf8.span) ?? text
    }

    /// The collapsed text, or nil when `bytes` need no change.
    private static func collapse(_ span: Span<UInt8>) -> String? {
        unsafe span.withUnsafeBufferPointer { bytes -> String? in
            // Width of the white space starting at `index`: 1 for ASCII white space, 2 for U+00A0, else 0.
            func spaceWidth(at index: Int) -> Int {
                switch unsafe bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D: return 1
                case 0xC2 where unsafe index + 1 < bytes.count && bytes[index + 1] == 0xA0: return 2
                default: return 0
                }
            }
            // Most text needs no change, so the check is one pass without branches or loop-carried state, which
            // the compiler vectorises: a byte flags work if it is a control white space, the start of a possible
            // U+00A0, or a space followed by a space; a space at either end flags it too.
            let count = bytes.count
            if count == 0 { return nil }
            let last = unsafe bytes[count - 1]
            var flags: UInt8 = unsafe (bytes[0] == 0x20 || last == 0x20 || last &- 0x09 < 5 || last == 0xC2) ? 1 : 0
            for index in 0..<(count - 1) {
                let byte = unsafe bytes[index], next = unsafe bytes[index + 1]
                flags |= (byte &- 0x09 < 5 ? 1 : 0) | (byte == 0xC2 ? 1 : 0) | (byte == 0x20 && next == 0x20 ? 1 : 0)
            }
            if flags == 0 { return nil }
            // The output is never longer than the input, so it is written straight into the string's storage.
            return unsafe String(unsafeUninitializedCapacity: bytes.count) { output in
                var written = 0
                var pendingSpace = false
                var index = 0
                while index < bytes.count {
                    let width = spaceWidth(at: index)
                    if width > 0 {
                        pendingSpace = written > 0
                        index += width
                    } else {
                        if pendingSpace { unsafe output[written] = 0x20; written += 1; pendingSpace = false }
                        unsafe output[written] = unsafe bytes[index]
                        written += 1
                        index += 1
                    }
                }
                return written
            }
        }
    }
}
