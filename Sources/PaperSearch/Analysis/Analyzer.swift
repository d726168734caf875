/// The analysis pipeline, used identically when indexing and when querying: tokenize (`Tokenizer`: case,
/// diacritics, compounds, numbers, LaTeX, URLs), drop stop words (`StopWords`, keeping their positions),
/// spell British words the American way (`SpellingVariants`), stem (`EnglishStemmer` or `PorterStemmer`). Its `name` and `Analyzer.version` are recorded in every index,
/// so a query is always analysed the way its index was built.
public struct Analyzer: Sendable, Equatable {
    /// Which stemmer runs last.
    public enum Stemmer: String, Sendable, CaseIterable {
        /// Snowball English (Porter2), the default.
        case english
        /// Porter (1980) as in Porter's reference code, for compatibility with Lucene and SQLite.
        case porter
        /// No stemming.
        case none
    }

    public var stemmer: Stemmer
    public var stopWords: StopWords

    public init(stemmer: Stemmer = .english, stopWords: StopWords = .lucene) {
        self.stemmer = stemmer
        self.stopWords = stopWords
    }

    /// The default: Snowball English stemming, Lucene's 33 stop words.
    public static let english = Analyzer()

    /// Raised whenever the terms produced for some text change; indexes record it. (2: acronym plurals and
    /// TeX accents; 3: British spellings indexed as American ones.)
    public static let version = 3

    /// A name that identifies the configuration, e.g. "standard/english/lucene-33".
    public var name: String { "standard/\(stemmer.rawValue)/\(stopWords.name)" }

    /// Makes the term of one folded word in place: its American spelling (`SpellingVariants`), stemmed by
    /// the configured stemmer. With no stemmer the word is kept as written.
    @inline(__always)
    func stem(_ word: inout [UInt8]) {
        switch stemmer {
        case .english:
            SpellingVariants.americanize(&word)
            EnglishStemmer.stem(&word)
        case .porter:
            SpellingVariants.americanize(&word)
            PorterStemmer.stem(&word)
        case .none: break
        }
    }

    /// The term `analyze` makes of a word of 1 to `Tokenizer.maximumTokenLength` lower-case ASCII letters
    /// (`a`-`z` only, which the tokenizer passes through whole, as a word): false for a stop word, else true
    /// with the word made its term in place (`stem`). For callers with many such words (the one-edit
    /// spellings a correction looks up), without a string or the tokenizer.
    package func termOfLetters(_ word: inout [UInt8]) -> Bool {
        assert(word.allSatisfy { $0 >= 0x61 && $0 <= 0x7A }, "termOfLetters takes lower-case ASCII letters only")
        guard !word.isEmpty, word.count <= Tokenizer.maximumTokenLength, !stopWords.contains(word.span) else { return false }
        stem(&word)
        return true
    }

    /// Analyses `text` and hands each indexed term to `sink`; returns the field length (the number of
    /// positions that hold a term; of those analysed, when the sink finished early or passed over words before
    /// its `firstWantedPosition`). Reuses `scratch`'s
    /// buffers, so no allocation happens per token.
    @discardableResult
    package func analyze<Sink: TermSink>(_ text: String, scratch: inout AnalyzerScratch, into sink: inout Sink) -> Int {
        var text = text
        text.makeContiguousUTF8()
        if stemmer != .none && scratch.stemCacheOwner != stemmer {
            scratch.stemCache = StemCache(slotBits: scratch.stemCacheSlotBits)
            scratch.stemCacheOwner = stemmer
        }
        // The sink and the buffers move into the adapter and back (swap), so that no array is shared and
        // copied on write.
        var adapter = AnalyzingSink(analyzer: self, inner: Sink(), stemBuffer: [], stemCache: StemCache.empty)
        swap(&adapter.inner, &sink)
        swap(&adapter.stemBuffer, &scratch.stemBuffer)
        swap(&adapter.stemCache, &scratch.stemCache)
        scratch.tokenizer.tokenize(text.utf8.span, into: &adapter)
        swap(&adapter.stemBuffer, &scratch.stemBuffer)
        swap(&adapter.stemCache, &scratch.stemCache)
        swap(&adapter.inner, &sink)
        return adapter.length
    }

    /// Every token of `text` with what became of it — for `papers analyze` and for tests.
    public func tokens(_ text: String) -> [AnalyzedToken] {
        var text = text
        text.makeContiguousUTF8()
        var collector = TokenCollector(analyzer: self, source: Array(text.utf8))
        var tokenizer = Tokenizer()
        tokenizer.tokenize(text.utf8.span, into: &collector)
        return collector.tokens
    }

    /// The indexed terms of `text` as strings, in order (convenience for queries and tests).
    public func terms(_ text: String) -> [String] {
        termPositions(text).map { String(decoding: $0.term, as: UTF8.self) }
    }

    /// The indexed terms of `text` with their positions, through the path indexing takes (`analyze`):
    /// no strings are made per token, as `tokens` makes them for display.
    package func termPositions(_ text: String) -> [(term: [UInt8], position: Int)] {
        var scratch = AnalyzerScratch(stemCacheSlotBits: 1)
        return termPositions(text, scratch: &scratch)
    }

    /// `termPositions(_:)` in buffers the caller keeps for the next text (a query plan analyses each word
    /// more than once).
    package func termPositions(_ text: String, scratch: inout AnalyzerScratch) -> [(term: [UInt8], position: Int)] {
        var collector = TermPositions()
        analyze(text, scratch: &scratch, into: &collector)
        return collector.terms
    }

    /// `termPositions(_:scratch:)`, and the words the terms came from as the tokenizer folded them (before
    /// stemming), in the same order: a query's plain words read once for the title and abstract and for the
    /// authors' names.
    package func termPositionsAndWritten(_ text: String, scratch: inout AnalyzerScratch)
        -> (terms: [(term: [UInt8], position: Int)], written: [[UInt8]]) {
        var collector = WrittenTermPositions()
        analyze(text, scratch: &scratch, into: &collector)
        return (collector.terms, collector.written)
    }

    /// The tokens of `text` as a phrase's spellings read them (`PhraseTokens`), through the path indexing takes.
    package func phraseTokens(_ text: String, scratch: inout AnalyzerScratch) -> [(term: [UInt8]?, position: Int)] {
        var collector = PhraseTokens()
        analyze(text, scratch: &scratch, into: &collector)
        return collector.tokens
    }
}

/// The tokens of a phrase as its spellings read them (`PhraseSpellings`), in order: each kept token's term
/// and position, and each dropped one (a stop word, or too long to index) with no term at the position it
/// leaves empty — what `tokens` tells of them, without the strings it makes for display.
package struct PhraseTokens: TermSink {
    package var tokens: [(term: [UInt8]?, position: Int)] = []

    package init() {}

    package mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
        tokens.append((copiedBytes(term), position))
    }

    package mutating func droppedToken(at position: Int) { tokens.append((nil, position)) }
}

/// Keeps each term with its position, and the word it came from as written (folded, before stemming).
private struct WrittenTermPositions: TermSink {
    var terms: [(term: [UInt8], position: Int)] = []
    var written: [[UInt8]] = []

    mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
        self.term(term, written: term, position: position, start: start, end: end)
    }

    mutating func term(_ term: Span<UInt8>, written: Span<UInt8>, position: Int, start: Int, end: Int) {
        terms.append((copiedBytes(term), position))
        self.written.append(copiedBytes(written))
    }
}

/// The bytes of a term the analyzer lends for the length of a call, copied out of its buffer.
private func copiedBytes(_ span: Span<UInt8>) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(span.count)
    for index in span.indices { bytes.append(span[index]) }
    return bytes
}

/// Keeps each term (copied out of the analyzer's buffer) with its position.
private struct TermPositions: TermSink {
    var terms: [(term: [UInt8], position: Int)] = []

    mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
        terms.append((copiedBytes(term), position))
    }
}

/// Buffers reused across calls to `Analyzer.analyze` (one per thread).
package struct AnalyzerScratch {
    var tokenizer = Tokenizer()
    var stemBuffer: [UInt8] = []
    var stemCache = StemCache.empty
    /// The stemmer whose results `stemCache` holds.
    var stemCacheOwner: Analyzer.Stemmer?
    /// The size of the stem cache (see `StemCache`).
    let stemCacheSlotBits: Int

    /// `stemCacheSlotBits`: the default suits a corpus; a scratch for a few abstracts wants fewer.
    package init(stemCacheSlotBits: Int = StemCache.defaultSlotBits) {
        self.stemCacheSlotBits = stemCacheSlotBits
        stemBuffer.reserveCapacity(128)
    }
}

/// Receives the indexed terms of a text. `init()` makes an empty sink, a placeholder while the real one is
/// lent to the analyzer.
package protocol TermSink {
    init()
    /// One term (valid only during the call), its position in the field, and its UTF-8 byte range in the source.
    mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int)
    /// The same, with the token as the tokenizer folded it (`written`: before stemming; the term itself when
    /// it was not stemmed). By default, `term(_:position:start:end:)`.
    mutating func term(_ term: Span<UInt8>, written: Span<UInt8>, position: Int, start: Int, end: Int)
    /// A token dropped (a stop word, or too long to index), at the position it leaves empty (the next a kept
    /// token would take).
    mutating func droppedToken(at position: Int)
    /// Whether the sink needs the stem of a word starting with `byte` at `position`; when not, it gets the
    /// word unstemmed. Both stemmers keep a word's first byte (but for a leading apostrophe, which Porter2
    /// drops: checked against the official vocabularies in the tests), and American spelling changes it only
    /// from "a" or "o" to "e", so a sink that only looks for certain stems can decline every word whose first
    /// byte none of them has (`StemFirstBytes`), or that stands where none of them is.
    func needsStem(startingWith byte: UInt8, at position: Int) -> Bool
    /// Whether the sink has all it wants: analysis then stops at the next white space.
    var isFinished: Bool { get }
    /// The first position whose terms the sink wants. Before it, a plain word (`Tokenizer.plainChunkEnd`) is
    /// only counted, for the positions after it, without being folded, looked up as a stop word or stemmed.
    var firstWantedPosition: Int { get }
}

extension TermSink {
    @inline(__always)
    package mutating func term(_ term: Span<UInt8>, written: Span<UInt8>, position: Int, start: Int, end: Int) {
        self.term(term, position: position, start: start, end: end)
    }
    @inline(__always)
    package mutating func droppedToken(at position: Int) {}
    @inline(__always)
    package func needsStem(startingWith byte: UInt8, at position: Int) -> Bool { true }
    @inline(__always)
    package var isFinished: Bool { false }
    @inline(__always)
    package var firstWantedPosition: Int { 0 }
}

/// Turns tokens into terms: positions, stop words, stemming.
private struct AnalyzingSink<Inner: TermSink>: TokenizerSink {
    let analyzer: Analyzer
    var inner: Inner
    var stemBuffer: [UInt8]
    var stemCache: StemCache
    var position = -1
    var pendingIncrement = 0
    var length = 0

    var isFinished: Bool {
        @inline(__always) get { inner.isFinished }
    }

    /// A passed-over word would stand at `position + pendingIncrement + 1` (a stop word's position counts too).
    var wantsCountOnly: Bool {
        @inline(__always) get { position + pendingIncrement + 1 < inner.firstWantedPosition }
    }

    @inline(__always)
    mutating func passOver() { pendingIncrement += 1 }

    mutating func token(_ term: Span<UInt8>, kind: TokenKind, positionIncrement: Int, start: Int, end: Int) {
        pendingIncrement += positionIncrement
        if term.isEmpty || (kind == .word && analyzer.stopWords.contains(term)) {
            inner.droppedToken(at: position + pendingIncrement)
            return
        }
        if pendingIncrement > 0 {
            position += pendingIncrement
            length += 1
            pendingIncrement = 0
        }
        if kind == .word {
            if analyzer.stemmer == .none || !inner.needsStem(startingWith: term[0], at: position) {
                inner.term(term, written: term, position: position, start: start, end: end)
                return
            }
            let analyzer = self.analyzer
            if let range = stemCache.stemRange(of: term, buffer: &stemBuffer, stemmer: { analyzer.stem(&$0) }) {
                let cached = stemCache.bytes
                inner.term(cached.span.extracting(range), written: term, position: position, start: start, end: end)
            } else {
                let stem = stemBuffer
                inner.term(stem.span, written: term, position: position, start: start, end: end)
            }
        } else {
            inner.term(term, written: term, position: position, start: start, end: end)
        }
    }
}

/// One token as `papers analyze` shows it.
public struct AnalyzedToken: Sendable, Equatable {
    /// The token as it stands in the source text.
    public var text: String
    /// The folded form (lowercase, no diacritics).
    public var folded: String
    public var kind: TokenKind
    /// The American spelling a word was indexed under, when it was written another way ("quantization"
    /// for "quantisation"; see `SpellingVariants`), else nil.
    public var americanSpelling: String?
    /// The term that is indexed (the stem of a word), or nil when the token is dropped.
    public var indexedTerm: String?
    /// Why the token was dropped: "stop word" or "too long".
    public var droppedBecause: String?
    /// The position in the field (dropped tokens show the position they leave empty).
    public var position: Int
    /// UTF-8 byte offsets of the token in the source.
    public var utf8Range: Range<Int>
}

private struct TokenCollector: TokenizerSink {
    let analyzer: Analyzer
    let source: [UInt8]
    var tokens: [AnalyzedToken] = []
    var position = -1
    var pendingIncrement = 0

    mutating func token(_ term: Span<UInt8>, kind: TokenKind, positionIncrement: Int, start: Int, end: Int) {
        pendingIncrement += positionIncrement
        let text = String(decoding: source[start..<end], as: UTF8.self)
        let termBytes = copiedBytes(term)
        let folded = String(decoding: termBytes, as: UTF8.self)
        var reason: String?
        if term.isEmpty { reason = "too long" } else if kind == .word && analyzer.stopWords.contains(term) { reason = "stop word" }
        if let reason {
            tokens.append(AnalyzedToken(text: text, folded: folded, kind: kind, americanSpelling: nil, indexedTerm: nil,
                                        droppedBecause: reason, position: position + pendingIncrement, utf8Range: start..<end))
            return
        }
        position += pendingIncrement
        pendingIncrement = 0
        var stem = termBytes
        var americanSpelling: String?
        if kind == .word && analyzer.stemmer != .none {
            var spelling = termBytes
            SpellingVariants.americanize(&spelling)
            if spelling != termBytes { americanSpelling = String(decoding: spelling, as: UTF8.self) }
            analyzer.stem(&stem)
        }
        tokens.append(AnalyzedToken(text: text, folded: folded, kind: kind, americanSpelling: americanSpelling,
                                    indexedTerm: String(decoding: stem, as: UTF8.self), droppedBecause: nil,
                                    position: position, utf8Range: start..<end))
    }
}
