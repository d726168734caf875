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
enum StableHash {
    /// 64-bit FNV-1a.
    static func fnv1a64<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// A 64-bit hash of bytes and a seed, eight bytes a step (for records, where FNV-1a's byte a step showed
    /// in indexing profiles): each little-endian word is mixed in by a multiply and a shift, and the length
    /// and a final avalanche (MurmurHash3's) end it. Stable across machines and releases: ids files keep it.
    static func words64<Bytes: Collection>(_ bytes: Bytes, seed: UInt64) -> UInt64 where Bytes.Element == UInt8 {
        var hash = 0x9E37_79B9_7F4A_7C15 ^ seed
        func mix(_ word: UInt64) {
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
        }
        let whole: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            let raw = UnsafeRawBufferPointer(buffer)
            var index = 0
            while index + 8 <= raw.count {
                mix(UInt64(littleEndian: unsafe raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
                index += 8
            }
            var tail: UInt64 = 0
            for (shift, byte) in raw[index...].enumerated() { tail |= UInt64(byte) << UInt64(8 * shift) }
            mix(tail)
        }
        if whole == nil {
            var word: UInt64 = 0, filled = 0
            for byte in bytes {
                word |= UInt64(byte) << UInt64(8 * filled)
                filled += 1
                if filled == 8 {
                    mix(word)
                    word = 0
                    filled = 0
                }
            }
            mix(word)
        }
        mix(UInt64(bytes.count))
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
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

extension PaperID {
    /// The ids a user may mean by `text`, most literal first: the text itself, then — for arXiv ids written
    /// the ways people write them — the bare id: without a version (`2506.01967v2`), an `arXiv:` prefix, or an
    /// arxiv.org abs, pdf or html URL; old-style ids (`hep-th/9901001`) too.
    public static func lookupForms(_ text: String) -> [String] {
        let trimmed = TextCleanup.collapsingWhitespace(text)
        var forms = [trimmed]
        if let arxiv = arxivID(in: trimmed) {
            if !forms.contains(arxiv.bare) { forms.append(arxiv.bare) }
            if let versioned = arxiv.versioned, !forms.contains(versioned) { forms.append(versioned) }
        }
        return forms
    }

    /// The arXiv id `text` names — a bare id, a versioned one, one with an `arXiv:` prefix or in an arxiv.org
    /// URL — without its version (and with it, when it had one); nil when it names none.
    static func arxivID(in text: String) -> (bare: String, versioned: String?)? {
        // Every form holds at least four digits (YYMM): most words a query holds are turned down here, on
        // their bytes, before any string is made.
        var digits = 0
        for byte in text.utf8 where byte &- UInt8(ascii: "0") < 10 { digits += 1 }
        guard digits >= 4 else { return nil }
        var rest = Substring(text)
        for scheme in ["https://", "http://"] where rest.lowercased().hasPrefix(scheme) { rest = rest.dropFirst(scheme.count) }
        for host in ["www.arxiv.org/", "arxiv.org/", "export.arxiv.org/"] where rest.lowercased().hasPrefix(host) {
            rest = rest.dropFirst(host.count)
            var matched = false
            for kind in ["abs/", "pdf/", "html/"] where rest.hasPrefix(kind) {
                rest = rest.dropFirst(kind.count)
                matched = true
            }
            guard matched else { return nil }
            if rest.hasSuffix(".pdf") { rest = rest.dropLast(4) }
            while rest.hasSuffix("/") { rest = rest.dropLast() }
        }
        if rest.lowercased().hasPrefix("arxiv:") { rest = rest.dropFirst(6) }
        // A version: v and digits at the end.
        var bare = rest
        var versioned: String?
        if let v = rest.lastIndex(where: { $0 == "v" || $0 == "V" }), v != rest.startIndex,
           rest[rest.index(after: v)...].count > 0, rest[rest.index(after: v)...].allSatisfy(\.isASCIIDigit) {
            bare = rest[..<v]
            versioned = String(rest)
        }
        guard isArxivID(bare) else { return nil }
        return (String(bare), versioned)
    }

    /// New style `YYMM.NNNN(N)`, or old style `archive(.SUBJ)/YYMMNNN`.
    private static func isArxivID(_ id: Substring) -> Bool {
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 1 {
            let pieces = id.split(separator: ".", omittingEmptySubsequences: false)
            return pieces.count == 2 && pieces[0].count == 4 && (4...5).contains(pieces[1].count)
                && pieces.allSatisfy { $0.allSatisfy(\.isASCIIDigit) }
        }
        guard parts.count == 2, parts[1].count == 7, parts[1].allSatisfy(\.isASCIIDigit), let first = parts[0].first,
              first.isLetter else { return false }
        return parts[0].allSatisfy { ($0.isASCII && ($0.isLetter || $0 == "-" || $0 == ".")) }
    }
}
