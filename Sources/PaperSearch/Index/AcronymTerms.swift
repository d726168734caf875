/// How the acronyms papers define are recorded in the index: as terms of the `.acronym` namespace, whose
/// postings are the papers that define them. So their counts are those of the live papers (deletions and
/// merges keep them right as for any term) and no file of their own is needed.
///
/// A definition "binary neural networks (BNNs)" (found by `SchwartzHearst`) gives two terms:
///
///     "d" ShortForm 0x00 LongFormKey 0x00 Display     the definition, for listing and for the short form's
///                                                     expansions (a prefix scan of "d" ShortForm 0x00)
///     "l" LongFormKey 0x00 ShortForm                  the long form, to find its acronyms from a query's words
///
/// ShortForm is the short form's one analysed term ("bnn"); LongFormKey the long form's analysed terms
/// separated by spaces, a compound's parts as words and an empty word for a stop word ("binari neural
/// network", "internet  thing", "low densiti lipoprotein"); Display the long form as first written in the paper, folded to lower case
/// ("binary neural networks"). A paper records each short and long form pair once.
enum AcronymTerms {
    static let definitionTag = UInt8(ascii: "d")
    static let longFormTag = UInt8(ascii: "l")
    /// Definitions whose terms would be longer are not recorded.
    static let maximumLength = 200

    /// A definition term, read back.
    struct Definition: Equatable {
        var shortForm: [UInt8]
        var longFormKey: [UInt8]
        var display: String
    }

    /// The two terms of a definition (namespace byte not included) from the analysed terms of its short
    /// form and long form and the long form as written, or nil when the short form is not one term with a
    /// letter, or the long form has fewer than two terms.
    static func terms(shortForm short: [(term: [UInt8]?, position: Int)], longForm long: [(term: [UInt8]?, position: Int)],
                      written: String) -> (definition: [UInt8], longForm: [UInt8])? {
        guard short.count == 1, let shortForm = short[0].term,
              shortForm.contains(where: { ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }),
              let key = longFormKey(long[...]), shortForm.count + key.count + written.utf8.count + 3 <= maximumLength else { return nil }
        var definitionTerm: [UInt8] = [definitionTag]
        definitionTerm.reserveCapacity(shortForm.count + key.count + written.utf8.count + 3)
        definitionTerm += shortForm
        definitionTerm.append(0)
        definitionTerm += key
        definitionTerm.append(0)
        definitionTerm += display(written.utf8)
        var longFormTerm: [UInt8] = [longFormTag]
        longFormTerm.reserveCapacity(key.count + shortForm.count + 2)
        longFormTerm += key
        longFormTerm.append(0)
        longFormTerm += shortForm
        return (definitionTerm, longFormTerm)
    }

    /// A long form as written, made fit to show and to search as a phrase: ASCII letters in lower case,
    /// LaTeX formatting and quotation marks gone (`\textit{condorcet jury theorem}`, ``` ``matrix product
    /// state'' ```, `"i don't know"`), each run of white space (or `~`) one space, no punctuation at either
    /// end. An apostrophe within a word stays ("bird's eye view").
    static func display(_ written: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(written)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var space = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\\"):
                // A command that only formats (`\textbf`) goes with its backslash, as does an accent's sign
                // (`\'e`); another command's name stays a word ("\alpha-divergence"), as in the analyzer.
                let name = index
                while index < bytes.count && isLetter(bytes[index]) { index += 1 }
                if name == index {
                    index += 1
                    continue
                }
                if LaTeX.silentCommands.contains(Array(bytes[name..<index])) { continue }
                if space && !result.isEmpty { result.append(UInt8(ascii: " ")) }
                space = false
                for letter in bytes[name..<index] { result.append(letter | 0x20) }
                continue
            case UInt8(ascii: " "), UInt8(ascii: "~"), 0x0A, 0x09, 0x0D:
                space = true
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "$"):
                continue
            case UInt8(ascii: "'") where space || result.isEmpty || result.last == UInt8(ascii: "'")
                || index == bytes.count || bytes[index] == UInt8(ascii: "'") || !isLetter(bytes[index]):
                // A quotation mark, not an apostrophe within a word.
                continue
            default:
                break
            }
            if space && !result.isEmpty { result.append(UInt8(ascii: " ")) }
            space = false
            result.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
        }
        // What markup leaves at the edges: "$q$-hamming code membership function~".
        let isWordByte = { (byte: UInt8) in isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte >= 0x80 }
        guard let first = result.firstIndex(where: isWordByte), let last = result.lastIndex(where: isWordByte) else { return [] }
        return Array(result[first...last])
    }

    @inline(__always) private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    /// The key of analysed tokens in order (see the type's comment; a dropped token has no term): one word a
    /// position, a compound's parts, an empty word for a dropped stop word; nil with fewer than two terms.
    static func longFormKey(_ tokens: ArraySlice<(term: [UInt8]?, position: Int)>) -> [UInt8]? {
        var key: [UInt8] = []
        var index = tokens.startIndex
        var terms = 0
        // Separators owed before the next word: one a position passed (a stop word's position adds one).
        var separators = 0
        while index < tokens.endIndex {
            var end = index + 1
            while end < tokens.endIndex && tokens[end].position == tokens[index].position { end += 1 }
            // A compound's parts are words of their own (its joined form, last at its position, is left out),
            // so that "low-density lipoprotein" and "low density lipoprotein" have one key.
            for part in tokens[index..<(end > index + 1 ? end - 1 : end)] {
                if let term = part.term {
                    if terms > 0 { key += repeatElement(UInt8(ascii: " "), count: separators) }
                    key += term
                    terms += 1
                    separators = 1
                } else if terms > 0 {
                    separators += 1
                }
            }
            if end < tokens.endIndex && terms > 0 { separators += max(0, tokens[end].position - tokens[index].position - 1) }
            index = end
        }
        return terms >= 2 ? key : nil
    }

    /// A definition term (namespace byte removed), or nil when the bytes are not one.
    static func definition(_ term: ArraySlice<UInt8>) -> Definition? {
        guard term.first == definitionTag else { return nil }
        let parts = term.dropFirst().split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        return Definition(shortForm: Array(parts[0]), longFormKey: Array(parts[1]), display: String(decoding: parts[2], as: UTF8.self))
    }
}
