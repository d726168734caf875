/// What a token is.
public enum TokenKind: String, Sendable, Equatable {
    /// Letters, possibly with digits ("transformer", "3d", "fp4"); stemmed by the analyzer.
    case word
    /// Digits, possibly with a decimal point ("3.5") or thousands separators removed ("1,330" -> "1330").
    case number
    /// A Greek letter spelled out ("theta") or a CJK character: a token of its own.
    case symbol
    /// A URL without its scheme ("github.com/facebookresearch/bit"), kept whole.
    case url
    /// An e-mail address, kept whole.
    case email
}

/// Receives the tokens of a text, in order.
protocol TokenizerSink {
    /// One token: its folded text (valid only during the call), its kind, how far it moves the position (1 for
    /// a new word; 0 for the parts and the joined form of a compound, which share one position), and its
    /// UTF-8 byte range in the source. An empty term stands for a token too long to index.
    mutating func token(_ term: Span<UInt8>, kind: TokenKind, positionIncrement: Int, start: Int, end: Int)
    /// Whether the sink has what it wants: the tokenizer then stops at the next white space.
    var isFinished: Bool { get }
    /// Whether the sink wants only the count of the next token, not the token: the tokenizer may then report a
    /// chunk that is one plain word (`Tokenizer.plainChunkEnd`) by `passOver()` alone.
    var wantsCountOnly: Bool { get }
    /// One token of position increment 1 passed over (asked only while `wantsCountOnly`).
    mutating func passOver()
}

extension TokenizerSink {
    @inline(__always)
    var isFinished: Bool { false }
    @inline(__always)
    var wantsCountOnly: Bool { false }
    @inline(__always)
    mutating func passOver() {}
}

/// Splits scientific English into tokens, on UTF-8 bytes (ASCII takes a fast path through a byte-class table;
/// other scalars go through `CharacterFolding`).
///
/// - Case and diacritics are folded: "Schrödinger" -> "schrodinger"; "ＦＰ４" -> "fp4".
/// - Letters and digits stay together: "3D", "FP4", "ResNet50" are one token each.
/// - Numbers keep a decimal point between digits ("3.5") and lose thousands separators ("1,330" -> "1330").
/// - Compounds joined by hyphens give their parts *and* the joined form, all at one position:
///   "pre-training" -> "pre", "training", "pretraining", so that "pretraining", "pre-training" and
///   "pre training" all find it. Up to 8 parts; a longer chain is split.
/// - Possessives go ("ViT's" -> "vit", "models'" -> "models"); other apostrophes join ("don't" -> "dont").
/// - An acronym's plural is its singular: an upper-case run followed by a lower-case s ("LLMs", "CNNs",
///   "GANs") loses the s, so "LLMs" and "LLM" are one term (the stemmers leave such words alone).
/// - TeX accents are the letters they decorate: `M\"uller`, `M{\"u}ller` and `Müller` all give "muller";
///   so do `\c{c}`, `\v{s}` and the like, and `\ss`, `\o`, `\ae` become "ss", "o", "ae".
/// - LaTeX commands give their names ("$\theta$" -> "theta") unless they only format (`\textit`), see `LaTeX`.
/// - Greek letters become their names ("θ" -> "theta"); CJK characters are tokens of their own.
/// - URLs and e-mail addresses are single tokens, lowercased, the URL without its scheme.
/// - Tokens longer than `maximumTokenLength` bytes are dropped (they still take a position).
///
/// No allocation happens per token: the folded text is built in an inline buffer.
struct Tokenizer {
    static let maximumTokenLength = 64
    static let maximumCompoundParts = 8
    /// How much folded text one word group may collect before it counts as too long.
    static let groupLimit = 128

    /// One part of a compound: its range in `scratch` and in the source.
    struct Part {
        var termStart = 0, termEnd = 0, start = 0, end = 0
    }

    /// The folded text of the current token group (an inline buffer: no copy-on-write checks).
    private var scratch = InlineArray<160, UInt8>(repeating: 0)
    private var scratchCount = 0
    private var parts = InlineArray<8, Part>(repeating: Part())
    private var partCount = 0
    private var foldBuffer: [UInt8] = []

    init() { foldBuffer.reserveCapacity(16) }

    // Byte classes by arithmetic (a table would be a large stored property, copied into non-mutating calls).
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }
    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 || byte &- 0x30 < 10 }
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte &- 0x09 < 5 }
    @inline(__always) private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// Appends a byte to the group's text; returns false (and appends nothing) when the group is too long.
    @inline(__always) private mutating func append(_ byte: UInt8) -> Bool {
        guard scratchCount < Tokenizer.groupLimit else { return false }
        scratch[scratchCount] = byte
        scratchCount += 1
        return true
    }

    mutating func tokenize<Sink: TokenizerSink>(_ text: Span<UInt8>, into sink: inout Sink) {
        let n = text.count
        var nextAtSign = ByteSearch.firstIndex(of: UInt8(ascii: "@"), in: text, from: 0)
        var i = 0
        while i < n && !sink.isFinished {
            while i < n && Tokenizer.isSpace(text[i]) { i += 1 }
            guard i < n else { break }
            let chunkStart = i
            if sink.wantsCountOnly, let end = Tokenizer.plainChunkEnd(text, from: chunkStart) {
                sink.passOver()
                i = end
                continue
            }
            // A chunk (up to the next white space) may be a URL or an e-mail address, kept whole.
            if let at = nextAtSign, at < chunkStart {
                nextAtSign = ByteSearch.firstIndex(of: UInt8(ascii: "@"), in: text, from: chunkStart)
            }
            var mayBeWhole = Tokenizer.startsURL(text, chunkStart, n)
            if !mayBeWhole, let at = nextAtSign, at - chunkStart <= 64 {
                mayBeWhole = !(chunkStart..<at).contains { Tokenizer.isSpace(text[$0]) }
            }
            if mayBeWhole {
                var chunkEnd = chunkStart
                while chunkEnd < n && !Tokenizer.isSpace(text[chunkEnd]) { chunkEnd += 1 }
                if tokenizeURLOrEmail(text, from: chunkStart, to: chunkEnd, into: &sink) {
                    i = chunkEnd
                    continue
                }
            }
            i = tokenizeWords(text, from: chunkStart, into: &sink)
        }
    }

    /// Where a chunk starting at `start` ends (the white space after it, or the text's end) when it is one
    /// plain word: ASCII letters and digits, with only brackets, quotes and `;:!?` before them, and those or
    /// `.` and `,` after them. Such a chunk is exactly one token of position increment 1 (no URL, e-mail, compound,
    /// number with a point or separator, apostrophe or TeX can be in it), so a sink that only counts tokens
    /// can be told so without the word being folded. Nil for any other chunk.
    @inline(__always)
    static func plainChunkEnd(_ text: Span<UInt8>, from start: Int) -> Int? {
        let n = text.count
        var i = start
        while i < n && Tokenizer.isPlainPunctuation(text[i]) { i += 1 }
        let wordStart = i
        while i < n && Tokenizer.isAlphanumeric(text[i]) { i += 1 }
        guard i > wordStart else { return nil }
        while i < n && (Tokenizer.isPlainPunctuation(text[i]) || text[i] == UInt8(ascii: ".") || text[i] == UInt8(ascii: ",")) {
            i += 1
        }
        return i == n || Tokenizer.isSpace(text[i]) ? i : nil
    }

    /// `( ) [ ] " ; : ! ?`: punctuation that neither joins nor starts anything, before or after a word.
    @inline(__always)
    private static func isPlainPunctuation(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\""),
             UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "!"), UInt8(ascii: "?"):
            return true
        default:
            return false
        }
    }

    // MARK: - URLs and e-mail addresses

    private static let urlPrefixes: [[UInt8]] = ["https://", "http://", "ftp://", "www."].map { Array($0.utf8) }
    private static let www: [UInt8] = Array("www.".utf8)

    /// Whether `prefix` stands at `start` (ASCII letters compared without case).
    private static func hasPrefix(_ prefix: [UInt8], _ text: Span<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end - start >= prefix.count else { return false }
        for (k, expected) in prefix.enumerated() where Tokenizer.lowercased(text[start + k]) != expected { return false }
        return true
    }

    /// A cheap test at the start of a chunk: after at most three punctuation bytes, "http", "ftp" or "www."?
    @inline(__always)
    private static func startsURL(_ text: Span<UInt8>, _ chunkStart: Int, _ n: Int) -> Bool {
        // Most chunks start with a letter or digit that no URL prefix starts with: decided on one byte.
        if chunkStart < n {
            let first = text[chunkStart]
            if Tokenizer.isAlphanumeric(first) {
                let lower = first | 0x20
                if lower != UInt8(ascii: "h") && lower != UInt8(ascii: "f") && lower != UInt8(ascii: "w") { return false }
            }
        }
        return startsURLAfterPunctuation(text, chunkStart, n)
    }

    private static func startsURLAfterPunctuation(_ text: Span<UInt8>, _ chunkStart: Int, _ n: Int) -> Bool {
        var i = chunkStart
        while i < n && i < chunkStart + 3 && text[i] < 0x80 && !Tokenizer.isAlphanumeric(text[i]) && !Tokenizer.isSpace(text[i]) { i += 1 }
        guard i + 6 <= n else { return false }
        // "http", "ftp:" or "www." (the full prefixes are checked afterwards).
        let a = text[i] | 0x20, b = text[i + 1] | 0x20, c = text[i + 2] | 0x20, d = text[i + 3]
        switch a {
        case UInt8(ascii: "h"): return b == UInt8(ascii: "t") && c == UInt8(ascii: "t") && d | 0x20 == UInt8(ascii: "p")
        case UInt8(ascii: "f"): return b == UInt8(ascii: "t") && c == UInt8(ascii: "p") && d == UInt8(ascii: ":")
        case UInt8(ascii: "w"): return b == UInt8(ascii: "w") && c == UInt8(ascii: "w") && d == UInt8(ascii: ".")
        default: return false
        }
    }

    private static let trailingURLPunctuation: Set<UInt8> = Set(".,;:!?)]}>'\"".utf8)

    /// Emits the chunk as one URL or e-mail token if it is one (after leading and trailing punctuation).
    private mutating func tokenizeURLOrEmail<Sink: TokenizerSink>(
        _ text: Span<UInt8>, from chunkStart: Int, to chunkEnd: Int, into sink: inout Sink
    ) -> Bool {
        var start = chunkStart
        while start < chunkEnd && text[start] < 0x80 && !Tokenizer.isAlphanumeric(text[start]) { start += 1 }
        var end = chunkEnd
        while end > start && Tokenizer.trailingURLPunctuation.contains(text[end - 1]) { end -= 1 }
        guard end - start >= 6 else { return false }
        var atSign: Int?
        for i in start..<end where text[i] == UInt8(ascii: "@") {
            if atSign != nil { return false }
            atSign = i
        }
        if let atSign {
            guard Tokenizer.isEmail(text, start, atSign, end) else { return false }
            emitWhole(text, from: start, to: end, skipping: 0, kind: .email, into: &sink)
            return true
        }
        for prefix in Tokenizer.urlPrefixes where end - start > prefix.count && Tokenizer.hasPrefix(prefix, text, start, end) {
            var skip = prefix.count
            // Drop "www." after the scheme too, so that both spellings index alike.
            if prefix.last == UInt8(ascii: "/") && Tokenizer.hasPrefix(Tokenizer.www, text, start + skip, end) && end - start - skip > 4 {
                skip += 4
            }
            guard end - start - skip >= 3 else { return false }
            emitWhole(text, from: start, to: end, skipping: skip, kind: .url, into: &sink)
            return true
        }
        return false
    }

    private static func isEmail(_ text: Span<UInt8>, _ start: Int, _ at: Int, _ end: Int) -> Bool {
        guard at > start, end - at >= 4 else { return false }
        for i in start..<at {
            let byte = text[i]
            guard Tokenizer.isAlphanumeric(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "%") else { return false }
        }
        var lastDot: Int?
        for i in (at + 1)..<end {
            let byte = text[i]
            if byte == UInt8(ascii: ".") { lastDot = i; continue }
            guard Tokenizer.isAlphanumeric(byte) || byte == UInt8(ascii: "-") else { return false }
        }
        guard let lastDot, lastDot > at + 1, end - lastDot >= 3 else { return false }
        return (lastDot + 1..<end).allSatisfy { !Tokenizer.isDigit(text[$0]) }
    }

    private mutating func emitWhole<Sink: TokenizerSink>(
        _ text: Span<UInt8>, from start: Int, to end: Int, skipping: Int, kind: TokenKind, into sink: inout Sink
    ) {
        scratchCount = 0
        var fits = true
        for i in (start + skipping)..<end where fits { fits = append(Tokenizer.lowercased(text[i])) }
        if !fits { scratchCount = 0 }
        sink.token(scratch.span.extracting(0..<scratchCount), kind: scratchCount == 0 ? .word : kind,
                   positionIncrement: 1, start: start, end: end)
    }

    // MARK: - Words

    /// Tokenizes from `start` up to the next white space; returns where it stopped.
    private mutating func tokenizeWords<Sink: TokenizerSink>(
        _ text: Span<UInt8>, from start: Int, into sink: inout Sink
    ) -> Int {
        let n = text.count
        var i = start
        while i < n {
            let byte = text[i]
            if Tokenizer.isAlphanumeric(byte) {
                i = scanWordGroup(text, from: i, into: &sink)
                continue
            }
            if Tokenizer.isSpace(byte) { return i }
            if byte < 0x80 {
                if (byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "{")), Tokenizer.texLetter(text, at: i) != nil {
                    i = scanWordGroup(text, from: i, into: &sink)
                } else if byte == UInt8(ascii: "\\"), i + 1 < n, Tokenizer.isAlphanumeric(text[i + 1]), !Tokenizer.isDigit(text[i + 1]) {
                    i = scanLaTeXCommand(text, from: i, into: &sink)
                } else {
                    i += 1
                }
                continue
            }
            let (scalar, length) = Tokenizer.decode(text, i, n)
            switch CharacterFolding.kind(of: scalar) {
            case .letter, .digit:
                i = scanWordGroup(text, from: i, into: &sink)
            case .standalone:
                foldBuffer.removeAll(keepingCapacity: true)
                _ = CharacterFolding.fold(scalar, into: &foldBuffer)
                scratchCount = 0
                for byte in foldBuffer { _ = append(byte) }
                sink.token(scratch.span.extracting(0..<scratchCount), kind: .symbol, positionIncrement: 1, start: i, end: i + length)
                i += length
            default:
                i += length
            }
        }
        return i
    }

    private mutating func scanLaTeXCommand<Sink: TokenizerSink>(
        _ text: Span<UInt8>, from start: Int, into sink: inout Sink
    ) -> Int {
        let n = text.count
        var i = start + 1
        foldBuffer.removeAll(keepingCapacity: true)
        while i < n, Tokenizer.isAlphanumeric(text[i]), !Tokenizer.isDigit(text[i]) {
            foldBuffer.append(text[i])
            i += 1
        }
        if LaTeX.silentCommands.contains(foldBuffer) { return i }
        scratchCount = 0
        var fits = true
        for byte in foldBuffer where fits { fits = append(Tokenizer.lowercased(byte)) }
        if fits && scratchCount <= Tokenizer.maximumTokenLength {
            sink.token(scratch.span.extracting(0..<scratchCount), kind: .word, positionIncrement: 1, start: start + 1, end: i)
        }
        return i
    }

    /// The scalar at `i` and its length in bytes; an invalid byte reads as U+FFFD of length 1.
    private static func decode(_ text: Span<UInt8>, _ i: Int, _ end: Int) -> (Unicode.Scalar, Int) {
        let lead = text[i]
        var length = 0
        var value: UInt32 = 0
        switch lead {
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: return ("\u{FFFD}", 1)
        }
        guard i + length <= end else { return ("\u{FFFD}", 1) }
        for k in 1..<length {
            let byte = text[i + k]
            guard byte & 0xC0 == 0x80 else { return ("\u{FFFD}", 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { return ("\u{FFFD}", 1) }
        return (scalar, length)
    }

    /// Whether a letter or digit starts at `i`.
    private static func startsWord(_ text: Span<UInt8>, _ i: Int) -> Bool {
        let byte = text[i]
        if byte < 0x80 { return Tokenizer.isAlphanumeric(byte) }
        let kind = CharacterFolding.kind(of: Tokenizer.decode(text, i, text.count).0)
        return kind == .letter || kind == .digit
    }

    /// Scans letters and digits from `start` (a letter or digit), through decimal points, thousands
    /// separators, apostrophes and hyphens, and emits the token or the compound's tokens. Returns where the
    /// scan stopped.
    private mutating func scanWordGroup<Sink: TokenizerSink>(
        _ text: Span<UInt8>, from start: Int, into sink: inout Sink
    ) -> Int {
        let n = text.count
        scratchCount = 0
        partCount = 0
        var i = start
        var partStart = start
        var partTermStart = 0
        var overflow = false
        scan: while i < n {
            let byte = text[i]
            if Tokenizer.isAlphanumeric(byte) {
                // The hot loop: a run of ASCII letters and digits, lowercased by setting bit 5 (digits are
                // unchanged). The count lives in a local for the run, so it stays in a register.
                var count = scratchCount
                repeat {
                    if count < Tokenizer.groupLimit {
                        scratch[count] = text[i] | 0x20
                        count += 1
                    } else {
                        overflow = true
                    }
                    i += 1
                } while i < n && Tokenizer.isAlphanumeric(text[i])
                scratchCount = count
                continue
            }
            let length: Int
            let kind: CharacterFolding.Kind
            if byte < 0x80 {
                length = 1
                switch byte {
                case UInt8(ascii: "."):
                    // A decimal point between digits: "3.5".
                    if scratchCount > partTermStart, Tokenizer.isDigit(scratch[scratchCount - 1]), i + 1 < n, Tokenizer.isDigit(text[i + 1]) {
                        if !append(byte) { overflow = true }
                        i += 1
                        continue
                    }
                    break scan
                case UInt8(ascii: ","):
                    // A thousands separator: a number before, exactly three digits after.
                    if isThousandsSeparator(text, at: i, partTermStart: partTermStart) {
                        i += 1
                        continue
                    }
                    break scan
                case UInt8(ascii: "'"): kind = .apostrophe
                case UInt8(ascii: "-"): kind = .hyphen
                case UInt8(ascii: "\\"), UInt8(ascii: "{"):
                    // A TeX accent inside (or at the start of) a word: the letter goes on the word.
                    guard let tex = Tokenizer.texLetter(text, at: i) else { break scan }
                    if !append(tex.letters.0) || (tex.count == 2 && !append(tex.letters.1)) { overflow = true }
                    i += tex.length
                    continue
                default: break scan
                }
            } else {
                let (scalar, scalarLength) = Tokenizer.decode(text, i, n)
                length = scalarLength
                foldBuffer.removeAll(keepingCapacity: true)
                kind = CharacterFolding.fold(scalar, into: &foldBuffer)
                if kind == .letter || kind == .digit {
                    if scratchCount + foldBuffer.count <= Tokenizer.groupLimit {
                        for folded in foldBuffer { scratch[scratchCount] = folded; scratchCount += 1 }
                    } else {
                        overflow = true
                    }
                    i += length
                    continue
                }
                if kind == .dropped {
                    i += length
                    continue
                }
            }
            switch kind {
            case .apostrophe:
                if Tokenizer.handleApostrophe(text, at: &i, length: length) { continue }
                break scan
            case .hyphen:
                if partCount + 1 < Tokenizer.maximumCompoundParts, i + length < n, Tokenizer.startsWord(text, i + length) {
                    closePart(termStart: partTermStart, start: partStart, end: i, text: text)
                    i += length
                    partStart = i
                    partTermStart = scratchCount
                    continue
                }
                break scan
            default:
                break scan
            }
        }
        closePart(termStart: partTermStart, start: partStart, end: i, text: text)
        emitGroup(overflow: overflow, end: i, into: &sink)
        return i
    }

    /// The letters a TeX accent construct at `i` stands for: an accent symbol on a letter (`\"u`, `\'{e}`,
    /// `{\"u}`), an accent command on a letter (`\c{c}`, `\v s`), or a special letter (`\ss`, `\o`, `{\ae}`).
    /// Returns up to two lowercase ASCII letters, and the construct's length in bytes; nil for anything else.
    static func texLetter(_ text: Span<UInt8>, at start: Int) -> (letters: (UInt8, UInt8), count: Int, length: Int)? {
        let n = text.count
        var i = start
        let braced = text[i] == UInt8(ascii: "{")
        if braced { i += 1 }
        guard i + 1 < n, text[i] == UInt8(ascii: "\\") else { return nil }
        i += 1
        func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
        var letters: (UInt8, UInt8) = (0, 0)
        var count = 1
        let accentSymbols: [UInt8] = Array("\"'`^~=.".utf8)
        if accentSymbols.contains(text[i]) {
            i += 1
            // The letter, bare or in braces.
            if i < n, text[i] == UInt8(ascii: "{") {
                guard i + 2 < n, isLetter(text[i + 1]), text[i + 2] == UInt8(ascii: "}") else { return nil }
                letters.0 = text[i + 1] | 0x20
                i += 3
            } else {
                guard i < n, isLetter(text[i]) else { return nil }
                letters.0 = text[i] | 0x20
                i += 1
            }
        } else {
            var nameEnd = i
            while nameEnd < n, isLetter(text[nameEnd]) { nameEnd += 1 }
            guard nameEnd - i <= 2 else { return nil }  // every name below has one or two letters
            var name = ""
            for k in i..<nameEnd { name.unicodeScalars.append(Unicode.Scalar(text[k])) }
            if let special = Tokenizer.texSpecialLetters[name] {
                letters = special.count == 2 ? (special[0], special[1]) : (special[0], 0)
                count = special.count
                i = nameEnd
                // `\o rn` (a space ends the command) is "orn", as TeX reads it.
                if !braced, i < n, text[i] == UInt8(ascii: " "), i + 1 < n, isLetter(text[i + 1]) { i += 1 }
            } else if Tokenizer.texAccentCommands.contains(name) {
                i = nameEnd
                if i + 2 < n, text[i] == UInt8(ascii: "{"), isLetter(text[i + 1]), text[i + 2] == UInt8(ascii: "}") {
                    letters.0 = text[i + 1] | 0x20
                    i += 3
                } else if i + 1 < n, text[i] == UInt8(ascii: " "), isLetter(text[i + 1]) {
                    letters.0 = text[i + 1] | 0x20
                    i += 2
                } else {
                    return nil
                }
            } else {
                return nil
            }
        }
        if braced {
            guard i < n, text[i] == UInt8(ascii: "}") else { return nil }
            i += 1
        }
        return (letters, count, i - start)
    }

    /// TeX commands for letters of their own.
    private static let texSpecialLetters: [String: [UInt8]] = [
        "ss": Array("ss".utf8), "o": [UInt8(ascii: "o")], "O": [UInt8(ascii: "o")], "ae": Array("ae".utf8),
        "AE": Array("ae".utf8), "oe": Array("oe".utf8), "OE": Array("oe".utf8), "aa": [UInt8(ascii: "a")],
        "AA": [UInt8(ascii: "a")], "l": [UInt8(ascii: "l")], "L": [UInt8(ascii: "l")], "i": [UInt8(ascii: "i")],
        "j": [UInt8(ascii: "j")],
    ]

    /// TeX accent commands with a letter's name, taking the letter in braces or after a space.
    private static let texAccentCommands: Set<String> = ["c", "v", "u", "H", "k", "r", "d", "b", "t"]

    /// A comma after a number, followed by exactly three digits: "1,330".
    private mutating func isThousandsSeparator(_ text: Span<UInt8>, at i: Int, partTermStart: Int) -> Bool {
        guard scratchCount > partTermStart, i + 3 < text.count else { return false }
        for k in partTermStart..<scratchCount where !Tokenizer.isDigit(scratch[k]) { return false }
        guard Tokenizer.isDigit(text[i + 1]), Tokenizer.isDigit(text[i + 2]), Tokenizer.isDigit(text[i + 3]) else { return false }
        return i + 4 >= text.count || !Tokenizer.isDigit(text[i + 4])
    }

    /// At an apostrophe: a possessive "'s" ends the word (and is skipped); before a letter the apostrophe is
    /// dropped and the word goes on. Returns whether the word goes on.
    private static func handleApostrophe(_ text: Span<UInt8>, at i: inout Int, length: Int) -> Bool {
        let n = text.count
        let next = i + length
        if next < n, text[next] | 0x20 == UInt8(ascii: "s"), next + 1 >= n || !Tokenizer.startsWord(text, next + 1) {
            i = next + 1
            return false
        }
        if next < n, Tokenizer.startsWord(text, next), !Tokenizer.isDigit(text[next]) {
            i = next
            return true
        }
        return false
    }

    @inline(__always) private mutating func closePart(termStart: Int, start: Int, end: Int, text: Span<UInt8>) {
        if end - start >= 3, scratchCount - termStart == end - start, text[end - 1] == UInt8(ascii: "s"),
           Tokenizer.isAcronymPlural(text, start, end) {
            scratchCount -= 1  // "LLMs" -> "llm"
        }
        parts[partCount] = Part(termStart: termStart, termEnd: scratchCount, start: start, end: end)
        partCount += 1
    }

    /// An upper-case run (at least two capitals, digits allowed after the first letter) and a lower-case s.
    private static func isAcronymPlural(_ text: Span<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard text[start] &- 0x41 < 26 else { return false }
        var capitals = 0
        for k in start..<(end - 1) {
            let byte = text[k]
            if byte &- 0x41 < 26 { capitals += 1 } else if !Tokenizer.isDigit(byte) { return false }
        }
        return capitals >= 2
    }

    private mutating func emitGroup<Sink: TokenizerSink>(overflow: Bool, end: Int, into sink: inout Sink) {
        guard partCount > 0 else { return }
        let first = parts[0]
        if overflow || scratchCount > Tokenizer.maximumTokenLength {
            // Too long to be a word: nothing is indexed, but the position is taken.
            sink.token(scratch.span.extracting(0..<0), kind: .word, positionIncrement: 1, start: first.start, end: end)
            return
        }
        if partCount == 1 {
            let term = scratch.span.extracting(first.termStart..<first.termEnd)
            sink.token(term, kind: Tokenizer.kindOf(term), positionIncrement: 1, start: first.start, end: first.end)
            return
        }
        var increment = 1
        for index in 0..<partCount {
            let part = parts[index]
            guard part.termEnd > part.termStart else { continue }
            let term = scratch.span.extracting(part.termStart..<part.termEnd)
            sink.token(term, kind: Tokenizer.kindOf(term), positionIncrement: increment, start: part.start, end: part.end)
            increment = 0
        }
        let joined = scratch.span.extracting(first.termStart..<scratchCount)
        sink.token(joined, kind: Tokenizer.kindOf(joined), positionIncrement: increment, start: first.start, end: end)
    }

    /// `.number` for digits with decimal points, `.word` otherwise.
    private static func kindOf(_ term: Span<UInt8>) -> TokenKind {
        guard !term.isEmpty, Tokenizer.isDigit(term[0]) else { return .word }
        for index in term.indices where !Tokenizer.isDigit(term[index]) && term[index] != UInt8(ascii: ".") { return .word }
        return .number
    }
}
