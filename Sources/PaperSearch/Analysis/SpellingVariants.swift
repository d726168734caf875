/// British spellings rewritten as American ones before stemming, so that "quantisation" and
/// "quantization", "colour" and "color", "analysed" and "analyzed", "haemoglobin" and "hemoglobin" index
/// as one term. Applied by the analyzer to every folded word it stems (not with `Analyzer.Stemmer.none`,
/// which indexes words as written), at indexing and at query time alike.
///
/// Rules, each with the guard that keeps it off words it must not touch:
/// - `-is-` → `-iz-` before -e, -ed, -es, -ing, -er, -ers, -ation(s), -able: only when the letters before
///   "is" end like the stem of a verb made with the suffix (normal·ise, optim·ise, recogn·ise, quant·ise …),
///   so that supervise, advertise, exercise, promise, premise, treatise, surprise, noise or arise stay.
/// - `-lyse` → `-lyze` after a vowel (analyse, catalyse, paralyse, hydrolyse; not lyse).
/// - `-our` → `-or` for a listed set of stems (colour, behaviour, tumour …; not hour, four, tour, contour).
/// - `-tre`/`-bre` → `-ter`/`-ber` for listed endings (centre, metre, litre, fibre, titre …; not acre, timbre).
/// - `-logue` → `-log` (analogue, catalogue, dialogue, homologue).
/// - Classical digraphs: `aemi` → `emi` (anaemia, leukaemia, ischaemia) and listed beginnings (haem-, paed-,
///   oestr-, oesophag-, oedem-, foet-, aetiol-, anaesth-, sulph- …).
/// - A short list of whole words the rules do not reach (grey, programme, aluminium, defence, artefact,
///   judgement, modeller, …).
///
/// A word's first byte changes only from "a" or "o" to "e" (aetiology, oestrogen): `TermSink.needsStem`
/// relies on that.
enum SpellingVariants {
    /// Rewrites `word` (folded: lowercase ASCII letters for every rule here) in place when it is a British
    /// spelling this type knows.
    static func americanize(_ word: inout [UInt8]) {
        let count = word.count
        guard count >= 4, count <= 32 else { return }
        // Most words meet no rule: one pass finds which rules could apply (and hashes the word for the
        // whole-word table), so that the rules' own checks run only on the few words that might need them.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        var hasIs = false, hasLys = false, hasOur = false, hasAem = false
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        for byte in word {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            switch byte {
            case UInt8(ascii: "s"):
                if previous == UInt8(ascii: "i") { hasIs = true }
                if previous == UInt8(ascii: "y") && beforePrevious == UInt8(ascii: "l") { hasLys = true }
            case UInt8(ascii: "r"): if previous == UInt8(ascii: "u") && beforePrevious == UInt8(ascii: "o") { hasOur = true }
            case UInt8(ascii: "m"): if previous == UInt8(ascii: "e") && beforePrevious == UInt8(ascii: "a") { hasAem = true }
            default: break
            }
            (beforePrevious, previous) = (previous, byte)
        }
        if wholeWords.replace(&word, hash: hash) { return }
        if !beginnings[Int(word[0])].isEmpty && replaceBeginning(&word) { return }
        if hasIs && replaceIseFamily(&word) { return }
        if hasLys && replaceLyse(&word) { return }
        if hasOur && replaceOur(&word) { return }
        if replaceTre(&word) { return }
        if replaceLogue(&word) { return }
        if hasAem { replaceAemi(&word) }
    }

    /// The string form, for tests and `papers analyze`.
    static func americanize(_ word: String) -> String {
        var bytes = Array(word.utf8)
        americanize(&bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: -ise, -isation

    /// The endings that follow "is" in a British -ise verb or its derivatives, longest first.
    private static let iseEndings: [[UInt8]] = ["isations", "isation", "isable", "ising", "isers", "ised", "ises",
                                                "iser", "ise"].map { Array($0.utf8) }
    /// How the letters before "is" end in verbs made with -ise/-ize (optim·ise, normal·ise, recogn·ise …). A
    /// word whose base ends otherwise (superv·ise, advert·ise, exerc·ise, surpr·ise) is left alone.
    private static let iseBaseEndings: Set<[UInt8]> = Set(["al", "ar", "at", "er", "on", "gn", "im", "it", "or", "et", "en",
                                                           "ol", "om", "an", "as", "es", "ic", "ur", "th", "og", "ll", "in",
                                                           "ym", "em", "il", "rd", "nt", "tr", "rg", "id", "rn", "un"]
        .map { Array($0.utf8) })
    /// How bases end whose -ise is not the verb suffix: (un)promising, compromise, premise, demise, chemise,
    /// treatise, valise, trellis·es, metropolis·es.
    private static let iseExceptions: [[UInt8]] = ["prom", "prem", "dem", "chem", "treat", "val", "surm", "trell", "metropol"]
        .map { Array($0.utf8) }

    private static func replaceIseFamily(_ word: inout [UInt8]) -> Bool {
        for ending in iseEndings where word.count >= ending.count + 3 && word.ends(with: ending) {
            let baseLength = word.count - ending.count
            guard iseBaseEndings.contains(Array(word[(baseLength - 2)..<baseLength])),
                  !iseExceptions.contains(where: { word[..<baseLength].ends(with: $0) }) else { return false }
            word[baseLength + 1] = UInt8(ascii: "z")
            return true
        }
        return false
    }

    // MARK: -lyse

    private static let lyseEndings: [[UInt8]] = ["lysing", "lysers", "lysed", "lyses", "lyser", "lyse"].map { Array($0.utf8) }

    private static func replaceLyse(_ word: inout [UInt8]) -> Bool {
        for ending in lyseEndings where word.count >= ending.count + 2 && word.ends(with: ending) {
            let before = word[word.count - ending.count - 1]
            guard isVowel(before) else { return false }
            word[word.count - ending.count + 2] = UInt8(ascii: "z")
            return true
        }
        return false
    }

    // MARK: -our

    /// Stems spelled -our in British English and -or in American (the letters before "our").
    private static let ourStems: Set<[UInt8]> = Set(["col", "behavi", "fav", "hon", "lab", "neighb", "flav", "harb", "hum",
                                                     "rum", "vap", "vig", "tum", "od", "arm", "sav", "savi", "endeav", "rig",
                                                     "parl", "val", "clam", "cand", "ferv", "splend", "ard", "demean",
                                                     "misdemean", "discol", "dishon", "unfav"].map { Array($0.utf8) })
    private static let ourSuffixes: Set<[UInt8]> = Set(["", "s", "ed", "ing", "ful", "fully", "less", "al", "ally", "able",
                                                        "ably", "ite", "ites", "er", "ers", "hood", "hoods", "ism", "ist",
                                                        "ists", "ings"].map { Array($0.utf8) })

    private static func replaceOur(_ word: inout [UInt8]) -> Bool {
        // The last "our" that has a listed stem before it and a listed suffix after it.
        var at = word.count - 3
        while at >= 2 {
            if word[at] == UInt8(ascii: "o") && word[at + 1] == UInt8(ascii: "u") && word[at + 2] == UInt8(ascii: "r") {
                if ourStems.contains(Array(word[..<at])) && ourSuffixes.contains(Array(word[(at + 3)...])) {
                    word.remove(at: at + 1)
                    return true
                }
                return false
            }
            at -= 1
        }
        return false
    }

    // MARK: -tre, -bre

    /// Word endings (before "re") spelled -re in British English and -er in American; any letters may come
    /// before them (kilometre, epicentre, nanofibre, amphitheatre).
    private static let treStems: [[UInt8]] = ["cent", "met", "lit", "fib", "theat", "spect", "lust", "tit", "calib",
                                              "somb", "sab", "scept", "goit", "meag"].map { Array($0.utf8) }
    private static let treSuffixes: [(british: [UInt8], american: [UInt8])] = [("re", "er"), ("res", "ers"), ("red", "ered"),
                                                                               ("ring", "ering")]
        .map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static func replaceTre(_ word: inout [UInt8]) -> Bool {
        for (british, american) in treSuffixes where word.ends(with: british) {
            let stemEnd = word.count - british.count
            for stem in treStems where stemEnd >= stem.count && word[(stemEnd - stem.count)..<stemEnd].elementsEqual(stem) {
                word.replaceSubrange(stemEnd..., with: american)
                return true
            }
        }
        return false
    }

    // MARK: -logue

    private static let logueEndings: [(british: [UInt8], american: [UInt8])] = [("logues", "logs"), ("logue", "log")]
        .map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static func replaceLogue(_ word: inout [UInt8]) -> Bool {
        for (british, american) in logueEndings where word.count >= british.count + 2 && word.ends(with: british) {
            word.replaceSubrange((word.count - british.count)..., with: american)
            return true
        }
        return false
    }

    // MARK: digraphs

    /// Beginnings spelled with a classical digraph in British English (mostly medicine), and their American form.
    /// By first byte.
    private static let beginnings: [[(british: [UInt8], american: [UInt8])]] = {
        let pairs = [
            ("haem", "hem"), ("paed", "ped"), ("orthopaed", "orthoped"), ("encyclopaed", "encycloped"),
            ("oesophag", "esophag"), ("oestr", "estr"), ("oedem", "edem"), ("foet", "fet"), ("aetiol", "etiol"),
            ("anaesth", "anesth"), ("caesium", "cesium"), ("gynaec", "gynec"), ("diarrhoe", "diarrhe"), ("sulph", "sulf"),
            ("sceptic", "skeptic"), ("coeliac", "celiac"), ("dyspnoe", "dyspne"), ("apnoe", "apne"),
        ].map { (british: Array($0.0.utf8), american: Array($0.1.utf8)) }
        var table = [[(british: [UInt8], american: [UInt8])]](repeating: [], count: 256)
        for pair in pairs { table[Int(pair.british[0])].append(pair) }
        return table
    }()

    private static func replaceBeginning(_ word: inout [UInt8]) -> Bool {
        for (british, american) in beginnings[Int(word[0])] where word.count > british.count && word.starts(with: british) {
            word.replaceSubrange(..<british.count, with: american)
            return true
        }
        return false
    }

    /// anaemia, leukaemia, ischaemia, septicaemia, hyperglycaemia (and -aemic) lose their "a".
    private static func replaceAemi(_ word: inout [UInt8]) {
        guard word.count >= 6 else { return }
        for at in 1..<(word.count - 4) where word[at] == UInt8(ascii: "a") && word[at + 1] == UInt8(ascii: "e")
            && word[at + 2] == UInt8(ascii: "m") && word[at + 3] == UInt8(ascii: "i") {
            let next = word[at + 4]
            if next == UInt8(ascii: "a") || next == UInt8(ascii: "c") {
                word.remove(at: at)
                return
            }
        }
    }

    // MARK: whole words

    /// Words no rule reaches, with their inflections.
    private static let wholeWords = WholeWords({
        let pairs: [(String, String)] = [
            ("grey", "gray"), ("greys", "grays"), ("greyscale", "grayscale"), ("greyish", "grayish"),
            ("programme", "program"), ("programmes", "programs"), ("aluminium", "aluminum"),
            ("artefact", "artifact"), ("artefacts", "artifacts"), ("defence", "defense"), ("defences", "defenses"),
            ("licence", "license"), ("licences", "licenses"), ("offence", "offense"), ("offences", "offenses"),
            ("judgement", "judgment"), ("judgements", "judgments"), ("acknowledgement", "acknowledgment"),
            ("acknowledgements", "acknowledgments"), ("enrolment", "enrollment"), ("enrolments", "enrollments"),
            ("fulfil", "fulfill"), ("fulfils", "fulfills"), ("fulfilment", "fulfillment"),
            ("skilful", "skillful"), ("skilfully", "skillfully"), ("practise", "practice"), ("practised", "practiced"),
            ("practises", "practices"), ("practising", "practicing"), ("mould", "mold"), ("moulds", "molds"),
            ("moulded", "molded"), ("moulding", "molding"), ("plough", "plow"), ("ploughs", "plows"),
            ("learnt", "learned"), ("modeller", "modeler"), ("modellers", "modelers"), ("traveller", "traveler"),
            ("travellers", "travelers"), ("counsellor", "counselor"), ("counsellors", "counselors"),
            ("jewellery", "jewelry"), ("manoeuvre", "maneuver"), ("manoeuvres", "maneuvers"), ("manoeuvred", "maneuvered"),
            ("manoeuvring", "maneuvering"), ("manoeuvrable", "maneuverable"), ("manoeuvrability", "maneuverability"),
        ]
        return pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }
    }())

    /// An open-addressing table of the whole words by their FNV-1a hash (computed in `americanize`'s pass).
    private struct WholeWords {
        private static let slotBits = 8
        private let pairs: [(british: [UInt8], american: [UInt8])]
        /// Index into `pairs` + 1, 0 for an empty slot.
        private var slots = [Int](repeating: 0, count: 1 << slotBits)

        init(_ pairs: [([UInt8], [UInt8])]) {
            self.pairs = pairs.map { (british: $0.0, american: $0.1) }
            for (index, pair) in pairs.enumerated() {
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for byte in pair.0 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                var slot = WholeWords.slot(hash)
                while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
                slots[slot] = index + 1
            }
        }

        @inline(__always) private static func slot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash >> UInt64(64 - slotBits)) }

        func replace(_ word: inout [UInt8], hash: UInt64) -> Bool {
            var slot = WholeWords.slot(hash)
            while slots[slot] != 0 {
                let pair = pairs[slots[slot] - 1]
                if pair.british == word {
                    word = pair.american
                    return true
                }
                slot = (slot + 1) & (slots.count - 1)
            }
            return false
        }
    }

    @inline(__always)
    private static func isVowel(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "a") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "i") || byte == UInt8(ascii: "o")
            || byte == UInt8(ascii: "u") || byte == UInt8(ascii: "y")
    }
}

private extension Array where Element == UInt8 {
    @inline(__always)
    func ends(with suffix: [UInt8]) -> Bool {
        guard count >= suffix.count else { return false }
        let start = count - suffix.count
        for index in suffix.indices where self[start + index] != suffix[index] { return false }
        return true
    }
}

private extension ArraySlice where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && self.suffix(suffix.count).elementsEqual(suffix)
    }
}
