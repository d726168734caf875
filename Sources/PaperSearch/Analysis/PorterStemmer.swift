/// The original Porter stemmer (M. F. Porter, "An algorithm for suffix stripping", Program 14(3), 1980), as
/// Martin Porter's own reference implementations run it — the form Lucene's `PorterStemFilter` and SQLite's
/// `porter` tokenizer derive from. It reproduces Porter's published test vocabulary (`voc.txt` ->
/// `output.txt`, 23,531 words) exactly; a test checks every line. That vocabulary includes the reference
/// code's two departures from the paper: words of one or two letters are left alone, and step 2 maps `bli`
/// to `ble` (not `abli` to `able`) and `logi` to `log`.
///
/// Input is a lowercase ASCII word as bytes, stemmed in place; words with other bytes are left alone.
public enum PorterStemmer {
    /// Stems `word` in place.
    public static func stem(_ word: inout [UInt8]) {
        guard word.count > 2, word.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return }
        // Move the bytes into the working value and back, so that editing them never copies the array.
        var w = PorterWord(b: [], k: word.count - 1, j: 0)
        swap(&w.b, &word)
        defer {
            swap(&w.b, &word)
            word.removeLast(word.count - (w.k + 1))
        }
        w.step1ab()
        if w.k > 0 {
            w.step1c()
            w.step2()
            w.step3()
            w.step4()
            w.step5()
        }
    }

    /// The stem of a word given as a string.
    public static func stem(_ word: String) -> String {
        var bytes = Array(word.utf8)
        stem(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The reference implementation's state: the word in `b`, its last index `k`, and `j`, the end of the stem
/// before the suffix most recently matched by `ends`.
private struct PorterWord {
    var b: [UInt8]
    var k: Int
    var j: Int

    /// Whether `b[i]` is a consonant: not a, e, i, o, u, and not a y that follows a consonant.
    func isConsonant(_ i: Int) -> Bool {
        switch b[i] {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"): return false
        case UInt8(ascii: "y"): return i == 0 ? true : !isConsonant(i - 1)
        default: return true
        }
    }

    /// The measure m of `b[0...j]`: the number of vowel-consonant sequences.
    func measure() -> Int {
        var n = 0
        var i = 0
        while true {
            if i > j { return n }
            if !isConsonant(i) { break }
            i += 1
        }
        i += 1
        while true {
            while true {
                if i > j { return n }
                if isConsonant(i) { break }
                i += 1
            }
            i += 1
            n += 1
            while true {
                if i > j { return n }
                if !isConsonant(i) { break }
                i += 1
            }
            i += 1
        }
    }

    func vowelInStem() -> Bool {
        guard j >= 0 else { return false }
        for i in 0...j where !isConsonant(i) { return true }
        return false
    }

    func doubleConsonant(_ i: Int) -> Bool {
        i >= 1 && b[i] == b[i - 1] && isConsonant(i)
    }

    /// consonant-vowel-consonant ending at `i`, the last consonant not w, x or y.
    func cvc(_ i: Int) -> Bool {
        guard i >= 2, isConsonant(i), !isConsonant(i - 1), isConsonant(i - 2) else { return false }
        let c = b[i]
        return c != UInt8(ascii: "w") && c != UInt8(ascii: "x") && c != UInt8(ascii: "y")
    }

    /// Whether `b[0...k]` ends with `s`; if so, sets `j` to the index before it.
    mutating func ends(_ s: Letters) -> Bool {
        let length = s.bytes.count
        guard length <= k + 1 else { return false }
        var i = 0
        while i < length {
            if b[k - length + 1 + i] != s.bytes[i] { return false }
            i += 1
        }
        j = k - length
        return true
    }

    /// Replaces `b[j+1...k]` with `s`.
    mutating func setTo(_ s: Letters) {
        let length = s.bytes.count
        for i in 0..<length {
            if j + 1 + i < b.count { b[j + 1 + i] = s.bytes[i] } else { b.append(s.bytes[i]) }
        }
        k = j + length
    }

    mutating func replaceIfMeasured(_ s: Letters) {
        if measure() > 0 { setTo(s) }
    }

    mutating func step1ab() {
        if b[k] == UInt8(ascii: "s") {
            if ends(P._sses) { k -= 2 } else if ends(P._ies) { setTo(P._i) } else if b[k - 1] != UInt8(ascii: "s") { k -= 1 }
        }
        if ends(P._eed) {
            if measure() > 0 { k -= 1 }
        } else if (ends(P._ed) || ends(P._ing)) && vowelInStem() {
            k = j
            if ends(P._at) {
                setTo(P._ate)
            } else if ends(P._bl) {
                setTo(P._ble)
            } else if ends(P._iz) {
                setTo(P._ize)
            } else if doubleConsonant(k) {
                k -= 1
                let c = b[k]
                if c == UInt8(ascii: "l") || c == UInt8(ascii: "s") || c == UInt8(ascii: "z") { k += 1 }
            } else if measure() == 1 && cvc(k) {
                setTo(P._e)
            }
        }
    }

    mutating func step1c() {
        if ends(P._y) && vowelInStem() { b[k] = UInt8(ascii: "i") }
    }

    mutating func step2() {
        guard k >= 1 else { return }
        let rules = P.step2Rules[Int(b[k - 1])]
        for (suffix, replacement) in rules where ends(suffix) {
            replaceIfMeasured(replacement)
            return
        }
    }

    mutating func step3() {
        let rules = P.step3Rules[Int(b[k])]
        for (suffix, replacement) in rules where ends(suffix) {
            replaceIfMeasured(replacement)
            return
        }
    }

    mutating func step4() {
        guard k >= 1 else { return }
        let matched: Bool
        switch b[k - 1] {
        case UInt8(ascii: "a"): matched = ends(P._al)
        case UInt8(ascii: "c"): matched = ends(P._ance) || ends(P._ence)
        case UInt8(ascii: "e"): matched = ends(P._er)
        case UInt8(ascii: "i"): matched = ends(P._ic)
        case UInt8(ascii: "l"): matched = ends(P._able) || ends(P._ible)
        case UInt8(ascii: "n"): matched = ends(P._ant) || ends(P._ement) || ends(P._ment) || ends(P._ent)
        case UInt8(ascii: "o"):
            matched = (ends(P._ion) && j >= 0 && (b[j] == UInt8(ascii: "s") || b[j] == UInt8(ascii: "t"))) || ends(P._ou)
        case UInt8(ascii: "s"): matched = ends(P._ism)
        case UInt8(ascii: "t"): matched = ends(P._ate) || ends(P._iti)
        case UInt8(ascii: "u"): matched = ends(P._ous)
        case UInt8(ascii: "v"): matched = ends(P._ive)
        case UInt8(ascii: "z"): matched = ends(P._ize)
        default: matched = false
        }
        if matched && measure() > 1 { k = j }
    }

    mutating func step5() {
        j = k
        if b[k] == UInt8(ascii: "e") {
            let m = measure()
            if m > 1 || (m == 1 && !cvc(k - 1)) { k -= 1 }
        }
        if b[k] == UInt8(ascii: "l") && doubleConsonant(k) && measure() > 1 { k -= 1 }
    }
}

/// The suffixes and replacements, built once; rule tables indexed by the byte the C code switches on.
private enum P {
    static let _able: Letters = "able"
    static let _al: Letters = "al"
    static let _ance: Letters = "ance"
    static let _ant: Letters = "ant"
    static let _at: Letters = "at"
    static let _ate: Letters = "ate"
    static let _bl: Letters = "bl"
    static let _ble: Letters = "ble"
    static let _e: Letters = "e"
    static let _ed: Letters = "ed"
    static let _eed: Letters = "eed"
    static let _ement: Letters = "ement"
    static let _ence: Letters = "ence"
    static let _ent: Letters = "ent"
    static let _er: Letters = "er"
    static let _i: Letters = "i"
    static let _ible: Letters = "ible"
    static let _ic: Letters = "ic"
    static let _ies: Letters = "ies"
    static let _ing: Letters = "ing"
    static let _ion: Letters = "ion"
    static let _ism: Letters = "ism"
    static let _iti: Letters = "iti"
    static let _ive: Letters = "ive"
    static let _iz: Letters = "iz"
    static let _ize: Letters = "ize"
    static let _ment: Letters = "ment"
    static let _ou: Letters = "ou"
    static let _ous: Letters = "ous"
    static let _sses: Letters = "sses"
    static let _y: Letters = "y"

    static func table(_ rules: [Character: [(Letters, Letters)]]) -> [[(Letters, Letters)]] {
        var table = [[(Letters, Letters)]](repeating: [], count: 256)
        for (letter, list) in rules { table[Int(letter.asciiValue ?? 0)] = list }
        return table
    }

    static let step2Rules = table([
        "a": [("ational", "ate"), ("tional", "tion")],
        "c": [("enci", "ence"), ("anci", "ance")],
        "e": [("izer", "ize")],
        "l": [("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous")],
        "o": [("ization", "ize"), ("ation", "ate"), ("ator", "ate")],
        "s": [("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous")],
        "t": [("aliti", "al"), ("iviti", "ive"), ("biliti", "ble")],
        "g": [("logi", "log")],
    ])

    static let step3Rules = table([
        "e": [("icate", "ic"), ("ative", ""), ("alize", "al")],
        "i": [("iciti", "ic")],
        "l": [("ical", "ic"), ("ful", "")],
        "s": [("ness", "")],
    ])
}
