/// The Snowball English stemmer ("Porter2"), as in Snowball 3.1 (`algorithms/english.sbl`, 2025), written
/// from the published algorithm. It reproduces the official vocabulary (`voc.txt` -> `output.txt` of
/// snowball-data, 42,649 words) exactly; a test checks every line.
///
/// Input is a lowercase ASCII word as bytes, stemmed in place (no allocation when the array has room).
/// Words with other bytes are left alone. Definitions used throughout: vowels are `a e i o u y`; R1 is the
/// region after the first non-vowel that follows a vowel (with the exceptional prefixes `gener`, `commun`,
/// `arsen`, `past`, `univers`, `later`, `emerg`, `organ`, `inter`); R2 is the same region taken again
/// inside R1. Steps search for the longest matching suffix and act only when it lies in the required region.
public enum EnglishStemmer {
    /// Stems `word` in place.
    public static func stem(_ word: inout [UInt8]) {
        guard word.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || $0 == Byte.apostrophe }) else { return }
        if exception1(&word) { return }
        if word.count < 3 { return }
        // Move the bytes into the working value and back, so that editing them never copies the array.
        var w = Word(bytes: [])
        swap(&w.bytes, &word)
        defer { swap(&w.bytes, &word) }
        w.prelude()
        w.markRegions()
        w.step1a()
        w.step1b()
        w.step1c()
        w.step2()
        w.step3()
        w.step4()
        w.step5()
        w.postlude()
    }

    /// The stem of a word given as a string (convenience for tools and tests).
    public static func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        stem(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whole words with a fixed stem.
    private static let exceptions: [(String, String)] = [
        ("skis", "ski"), ("skies", "sky"), ("idly", "idl"), ("gently", "gentl"), ("ugly", "ugli"),
        ("early", "earli"), ("only", "onli"), ("singly", "singl"),
        ("sky", "sky"), ("news", "news"), ("howe", "howe"), ("atlas", "atlas"), ("cosmos", "cosmos"),
        ("bias", "bias"), ("andes", "andes"),
    ].map { ($0.0, $0.1) }

    private static let exceptionTable: [[UInt8]: [UInt8]] = Dictionary(
        uniqueKeysWithValues: exceptions.map { (Array($0.0.utf8), Array($0.1.utf8)) })

    private static func exception1(_ word: inout [UInt8]) -> Bool {
        guard word.count >= 3 && word.count <= 6, let stem = exceptionTable[word] else { return false }
        word = stem
        return true
    }
}

private enum Byte {
    static let apostrophe = UInt8(ascii: "'")
    static let y = UInt8(ascii: "y")
    static let Y = UInt8(ascii: "Y")
}

/// The word being stemmed, with its regions.
private struct Word {
    var bytes: [UInt8]
    var p1 = 0
    var p2 = 0
    var count: Int { bytes.count }

    @inline(__always) func isVowel(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"), Byte.y: return true
        default: return false
        }
    }

    func endsWith(_ suffix: Letters) -> Bool { endsWith(suffix, at: count) }

    /// Whether `bytes[..<end]` ends with `suffix`.
    func endsWith(_ suffix: Letters, at end: Int) -> Bool {
        let length = suffix.bytes.count
        guard length <= end else { return false }
        var i = 0
        while i < length {
            if bytes[end - length + i] != suffix.bytes[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether the whole of `bytes[..<end]` equals `text`.
    func isExactly(_ text: Letters, upTo end: Int) -> Bool {
        end == text.bytes.count && endsWith(text, at: end)
    }

    mutating func replaceSuffix(length: Int, with replacement: Letters) {
        bytes.removeLast(length)
        bytes.append(contentsOf: replacement.bytes)
    }

    /// Initial apostrophe removed; `y` at the start or after a vowel marked as consonant `Y`.
    mutating func prelude() {
        if bytes.first == Byte.apostrophe { bytes.removeFirst() }
        guard !bytes.isEmpty else { return }
        if bytes[0] == Byte.y { bytes[0] = Byte.Y }
        var i = 1
        while i < count {
            if bytes[i] == Byte.y && isVowel(bytes[i - 1]) { bytes[i] = Byte.Y }
            i += 1
        }
    }

    private static let regionPrefixes: [Letters] = [
        "gener", "commun", "arsen", "past", "univers", "later", "emerg", "organ", "inter",
    ]

    /// The position after the first non-vowel that follows a vowel, at or after `start`.
    func regionStart(from start: Int) -> Int {
        var i = start
        while i < count && !isVowel(bytes[i]) { i += 1 }
        guard i < count else { return count }
        i += 1
        while i < count && isVowel(bytes[i]) { i += 1 }
        guard i < count else { return count }
        return i + 1
    }

    mutating func markRegions() {
        p1 = count
        p2 = count
        var prefixLength: Int?
        for prefix in Word.regionPrefixes where count >= prefix.bytes.count {
            let length = prefix.bytes.count
            if endsWith(prefix, at: length), length > (prefixLength ?? 0) { prefixLength = length }
        }
        if let prefixLength {
            p1 = prefixLength
        } else {
            p1 = regionStart(from: 0)
            if p1 == count { p2 = count; return }
        }
        p2 = regionStart(from: p1)
    }

    /// A short syllable ends at `end`: non-vowel, vowel, non-vowel other than w, x and Y; or, at the very
    /// start of the word, vowel then non-vowel; or the letters "past".
    func isShortSyllable(endingAt end: Int) -> Bool {
        if end >= 3 {
            let last = bytes[end - 1]
            if !isVowel(bytes[end - 3]) && isVowel(bytes[end - 2]) && !isVowel(last)
                && last != UInt8(ascii: "w") && last != UInt8(ascii: "x") && last != Byte.Y {
                return true
            }
        }
        if end == 2 && isVowel(bytes[0]) && !isVowel(bytes[1]) { return true }
        return endsWith(L._past, at: end)
    }

    func containsVowel(before end: Int) -> Bool {
        var i = 0
        while i < end {
            if isVowel(bytes[i]) { return true }
            i += 1
        }
        return false
    }

    mutating func step1a() {
        if endsWith(L._qsq) { bytes.removeLast(3) } else if endsWith(L._qs) { bytes.removeLast(2) } else if endsWith(L._q) {
            bytes.removeLast(1)
        }
        if endsWith(L._sses) {
            bytes.removeLast(2)
        } else if endsWith(L._ied) || endsWith(L._ies) {
            replaceSuffix(length: 3, with: count - 3 >= 2 ? L._i : L._ie)
        } else if endsWith(L._us) || endsWith(L._ss) {
            return
        } else if endsWith(L._s) {
            // Delete the s if a vowel occurs before the letter just in front of it.
            if count >= 3 && containsVowel(before: count - 2) { bytes.removeLast() }
        }
    }

    mutating func step1b() {
        let n = count
        if endsWith(L._eedly) || endsWith(L._eed) {
            let start = n - (endsWith(L._eedly) ? 5 : 3)
            if isExactly(L._proc, upTo: start) || isExactly(L._exc, upTo: start) || isExactly(L._succ, upTo: start) { return }
            if start >= p1 { replaceSuffix(length: n - start, with: L._ee) }
            return
        }
        let suffixLength: Int
        if endsWith(L._ingly) {
            suffixLength = 5
        } else if endsWith(L._edly) {
            suffixLength = 4
        } else if endsWith(L._ing) {
            let start = n - 3
            // dying -> die, lying -> lie, tying -> tie, vying -> vie
            if start == 2 && bytes[1] == Byte.y && !isVowel(bytes[0]) {
                bytes.removeLast(4)
                bytes.append(contentsOf: [UInt8(ascii: "i"), UInt8(ascii: "e")])
                return
            }
            for word in L.step1bInvariant where isExactly(word, upTo: start) {
                return
            }
            suffixLength = 3
        } else if endsWith(L._ed) {
            suffixLength = 2
        } else {
            return
        }
        let start = n - suffixLength
        guard containsVowel(before: start) else { return }
        bytes.removeLast(suffixLength)
        if endsWith(L._at) || endsWith(L._bl) || endsWith(L._iz) {
            bytes.append(UInt8(ascii: "e"))
        } else if count >= 2, bytes[count - 1] == bytes[count - 2], Word.contains(Word.undoubled, bytes[count - 1]) {
            // Undouble, except in a three-letter word starting with a, e or o ("add", "egg", "off").
            let keep = count == 3 && (bytes[0] == UInt8(ascii: "a") || bytes[0] == UInt8(ascii: "e") || bytes[0] == UInt8(ascii: "o"))
            if !keep { bytes.removeLast() }
        } else if count == p1 && isShortSyllable(endingAt: count) {
            bytes.append(UInt8(ascii: "e"))
        }
    }

    /// Letters whose doubling is undone ("hopp" -> "hop"), as a bit mask over a...z.
    private static let undoubled = letterMask("bdfgmnprt")

    mutating func step1c() {
        let last = count - 1
        guard last >= 2, bytes[last] == Byte.y || bytes[last] == Byte.Y, !isVowel(bytes[last - 1]) else { return }
        bytes[last] = UInt8(ascii: "i")
    }

    /// Step 2 suffixes, longest first within each final letter's group is not needed: the table is scanned
    /// longest first overall.
    private static let step2Rules: [(Letters, Letters, Condition)] = [
        ("ization", "ize", .none), ("ational", "ate", .none), ("fulness", "ful", .none), ("ousness", "ous", .none),
        ("iveness", "ive", .none), ("tional", "tion", .none), ("biliti", "ble", .none), ("lessli", "less", .none),
        ("entli", "ent", .none), ("ation", "ate", .none), ("alism", "al", .none), ("aliti", "al", .none),
        ("ousli", "ous", .none), ("iviti", "ive", .none), ("fulli", "ful", .none), ("ogist", "og", .none),
        ("enci", "ence", .none), ("anci", "ance", .none), ("abli", "able", .none), ("izer", "ize", .none),
        ("ator", "ate", .none), ("alli", "al", .none), ("bli", "ble", .none), ("ogi", "og", .precededByL),
        ("li", "", .validLIEnding),
    ]

    enum Condition { case none, precededByL, validLIEnding, inR2, precededBySOrT }

    /// Letters before which "li" is removed.
    private static let validLI = letterMask("cdeghkmnrt")

    static func letterMask(_ letters: String) -> UInt32 {
        letters.utf8.reduce(0) { $0 | 1 << UInt32($1 - UInt8(ascii: "a")) }
    }

    @inline(__always) static func contains(_ mask: UInt32, _ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") && mask & (1 << UInt32(byte - UInt8(ascii: "a"))) != 0
    }

    /// Finds the longest rule whose suffix ends the word; applies it when the suffix starts at or after
    /// `regionStart` and the rule's own condition holds. Returns whether a suffix matched at all.
    /// Rules grouped by the last byte of their suffix (longest first within a group), so that a step only
    /// looks at the few rules that can match.
    typealias RuleTable = [[(Letters, Letters, Condition)]]

    static func ruleTable(_ rules: [(Letters, Letters, Condition)]) -> RuleTable {
        var table = RuleTable(repeating: [], count: 256)
        for rule in rules.sorted(by: { $0.0.bytes.count > $1.0.bytes.count }) {
            table[Int(rule.0.bytes[rule.0.bytes.count - 1])].append(rule)
        }
        return table
    }

    @discardableResult
    mutating func applyLongest(_ table: RuleTable, regionStart: Int) -> Bool {
        guard let last = bytes.last else { return false }
        for (suffix, replacement, condition) in table[Int(last)] where endsWith(suffix) {
            let start = count - suffix.bytes.count
            guard start >= regionStart else { return true }
            switch condition {
            case .none: break
            case .precededByL: guard start > 0, bytes[start - 1] == UInt8(ascii: "l") else { return true }
            case .validLIEnding: guard start > 0, Word.contains(Word.validLI, bytes[start - 1]) else { return true }
            case .inR2: guard start >= p2 else { return true }
            case .precededBySOrT:
                guard start > 0, bytes[start - 1] == UInt8(ascii: "s") || bytes[start - 1] == UInt8(ascii: "t") else { return true }
            }
            replaceSuffix(length: suffix.bytes.count, with: replacement)
            return true
        }
        return false
    }

    private static let step2Table = ruleTable(step2Rules)

    mutating func step2() { applyLongest(Word.step2Table, regionStart: p1) }

    private static let step3Rules: [(Letters, Letters, Condition)] = [
        ("ational", "ate", .none), ("tional", "tion", .none), ("alize", "al", .none), ("icate", "ic", .none),
        ("iciti", "ic", .none), ("ative", "", .inR2), ("ical", "ic", .none), ("ness", "", .none), ("ful", "", .none),
    ]

    private static let step3Table = ruleTable(step3Rules)

    mutating func step3() { applyLongest(Word.step3Table, regionStart: p1) }

    private static let step4Rules: [(Letters, Letters, Condition)] = [
        ("ement", "", .none), ("ance", "", .none), ("ence", "", .none), ("able", "", .none), ("ible", "", .none),
        ("ment", "", .none), ("ant", "", .none), ("ent", "", .none), ("ism", "", .none), ("ate", "", .none),
        ("iti", "", .none), ("ous", "", .none), ("ive", "", .none), ("ize", "", .none), ("ion", "", .precededBySOrT),
        ("al", "", .none), ("er", "", .none), ("ic", "", .none),
    ]

    private static let step4Table = ruleTable(step4Rules)

    mutating func step4() { applyLongest(Word.step4Table, regionStart: p2) }

    mutating func step5() {
        if endsWith(L._e) {
            let start = count - 1
            if start >= p2 || (start >= p1 && !isShortSyllable(endingAt: start)) { bytes.removeLast() }
        } else if endsWith(L._l) {
            let start = count - 1
            if start >= p2 && start > 0 && bytes[start - 1] == UInt8(ascii: "l") { bytes.removeLast() }
        }
    }

    mutating func postlude() {
        var i = 0
        while i < count {
            if bytes[i] == Byte.Y { bytes[i] = Byte.y }
            i += 1
        }
    }
}

/// The suffixes and replacements of steps 1 and 5, built once.
private enum L {
    static let _q: Letters = "'"
    static let _qs: Letters = "'s"
    static let _qsq: Letters = "'s'"
    static let _at: Letters = "at"
    static let _bl: Letters = "bl"
    static let _e: Letters = "e"
    static let _ed: Letters = "ed"
    static let _edly: Letters = "edly"
    static let _ee: Letters = "ee"
    static let _eed: Letters = "eed"
    static let _eedly: Letters = "eedly"
    static let _exc: Letters = "exc"
    static let _i: Letters = "i"
    static let _ie: Letters = "ie"
    static let _ied: Letters = "ied"
    static let _ies: Letters = "ies"
    static let _ing: Letters = "ing"
    static let _ingly: Letters = "ingly"
    static let _iz: Letters = "iz"
    static let _l: Letters = "l"
    static let _past: Letters = "past"
    static let _proc: Letters = "proc"
    static let _s: Letters = "s"
    static let _ss: Letters = "ss"
    static let _sses: Letters = "sses"
    static let _succ: Letters = "succ"
    static let _us: Letters = "us"
    static let step1bInvariant: [Letters] = ["inn", "out", "cann", "herr", "earr", "even"]
}

/// A short run of ASCII letters written as a string literal (suffixes and replacements in the rule tables).
struct Letters: ExpressibleByStringLiteral, Sendable {
    let bytes: [UInt8]
    init(stringLiteral value: String) { bytes = Array(value.utf8) }
}
