/// Finds acronyms defined in a text, "binary neural networks (BNNs)", by the rule of Schwartz and Hearst
/// ("A simple algorithm for identifying abbreviation definitions in biomedical text", PSB 2003): a short
/// form in parentheses right after its long form, whose characters are matched in the words before it from
/// the last to the first, the first character at the start of a word.
///
/// On top of the published rule, for precision on abstracts: the short form is one word of 2-10 letters,
/// digits and hyphens with at least two capitals (so "(i)", "(see)" and "(2019)" are not candidates) and a
/// plural "s" after a capital is dropped ("BNNs" defines BNN); the long form has at least two words and lies
/// within its sentence and the last min(|SF| + 5, 2|SF|) words.
enum SchwartzHearst {
    /// One definition, as UTF-8 byte ranges of the text: the short form as written (a plural "s" included,
    /// which the analyzer removes from acronyms too) and its long form.
    struct Definition: Equatable {
        var shortForm: Range<Int>
        var longForm: Range<Int>
    }

    static func definitions(in text: String) -> [Definition] {
        var text = text
        text.makeContiguousUTF8()
        return definitions(in: text.utf8.span)
    }

    /// The definitions in order; their ranges do not overlap.
    static func definitions(in bytes: Span<UInt8>) -> [Definition] {
        var result: [Definition] = []
        var from = 0
        // Parentheses are few: memchr finds them, and most hold no short form (a citation, a formula).
        while let open = ByteSearch.firstIndex(of: UInt8(ascii: "("), in: bytes, from: from) {
            from = open + 1
            guard let (start, end, written) = shortForm(in: bytes, openingAt: open) else { continue }
            if let longForm = longForm(for: start..<end, in: bytes, before: open) {
                result.append(Definition(shortForm: start..<written, longForm: longForm))
            }
        }
        return result
    }

    /// Where the short form lies in the parentheses opening at `open` (up to a comma or semicolon, without
    /// spaces around it or a plural "s"), if they hold one.
    private static func shortForm(in bytes: Span<UInt8>, openingAt open: Int) -> (start: Int, end: Int, written: Int)? {
        var start = open + 1
        while start < bytes.count && bytes[start] == UInt8(ascii: " ") { start += 1 }
        var end = start
        var capitals = 0
        while end < bytes.count && end - start < 12 {
            let byte = bytes[end]
            if isUpper(byte) { capitals += 1 } else if !isLetterOrDigit(byte) && byte != UInt8(ascii: "-") { break }
            end += 1
        }
        // What follows must close the parentheses (or end the first of several short forms).
        var after = end
        while after < bytes.count && bytes[after] == UInt8(ascii: " ") { after += 1 }
        guard after < bytes.count, bytes[after] == UInt8(ascii: ")") || bytes[after] == UInt8(ascii: ",")
                || bytes[after] == UInt8(ascii: ";") else { return nil }
        let written = end
        // A plural: "BNNs".
        if end - start > 2, bytes[end - 1] == UInt8(ascii: "s"), isUpper(bytes[end - 2]) { end -= 1 }
        guard end - start >= 2, end - start <= 10, isLetterOrDigit(bytes[start]), capitals >= 2 else { return nil }
        return (start, end, written)
    }

    /// The long form of the short form (`shortForm`, plural removed) in the words before `open`, if its
    /// characters can be matched there.
    private static func longForm(for shortForm: Range<Int>, in bytes: Span<UInt8>, before open: Int) -> Range<Int>? {
        // The candidate: back to the start of the sentence, at most `maximumWords` words.
        let maximumWords = min(shortForm.count + 5, shortForm.count * 2)
        var end = open
        while end > 0 && bytes[end - 1] == UInt8(ascii: " ") { end -= 1 }
        var start = end
        var words = 0
        var inWord = false
        while start > 0 {
            let byte = bytes[start - 1]
            if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "(")
                || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: ",") {
                break
            }
            let space = isSpace(byte)
            if space && inWord {
                words += 1
                if words == maximumWords { break }
            }
            inWord = !space
            start -= 1
        }
        while start < end && isSpace(bytes[start]) { start += 1 }
        guard start < end else { return nil }

        // Match the short form's characters from the last; the first must start a word.
        var s = shortForm.upperBound - 1
        var l = end - 1
        while s >= shortForm.lowerBound {
            let character = lowercase(bytes[s])
            guard isLetterOrDigit(character) else {
                s -= 1
                continue
            }
            while l >= start && (lowercase(bytes[l]) != character
                                 || (s == shortForm.lowerBound && l > start && isLetterOrDigit(bytes[l - 1]))) {
                l -= 1
            }
            guard l >= start else { return nil }
            l -= 1
            s -= 1
        }
        // The long form starts at the word holding the first character's match.
        var first = l + 1
        while first > start && !isSpace(bytes[first - 1]) { first -= 1 }
        var longWords = 0
        for index in first..<end where !isSpace(bytes[index]) && (index == first || isSpace(bytes[index - 1])) { longWords += 1 }
        guard longWords >= 2, end - first > shortForm.count, !containsIgnoringCase(bytes, first..<end, shortForm) else { return nil }
        return first..<end
    }

    /// Whether `bytes[range]` holds `bytes[part]`, ignoring ASCII case.
    private static func containsIgnoringCase(_ bytes: Span<UInt8>, _ range: Range<Int>, _ part: Range<Int>) -> Bool {
        guard part.count <= range.count else { return false }
        for start in range.lowerBound...(range.upperBound - part.count) {
            var equal = true
            for offset in 0..<part.count where lowercase(bytes[start + offset]) != lowercase(bytes[part.lowerBound + offset]) {
                equal = false
                break
            }
            if equal { return true }
        }
        return false
    }

    @inline(__always) private static func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == 0x0A || byte == 0x09 }
    @inline(__always) private static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    @inline(__always) private static func lowercase(_ byte: UInt8) -> UInt8 { isUpper(byte) ? byte | 0x20 : byte }
    @inline(__always) private static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || isUpper(byte) || (byte >= 0x61 && byte <= 0x7A)
    }
}
