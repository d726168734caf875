import Testing
@testable import PaperSearch

@Suite("Tokenizer and analyzer")
struct TokenizerTests {
    let analyzer = Analyzer.english
    let plain = Analyzer(stemmer: .none, stopWords: .none)

    /// The folded tokens of a text (no stop words, no stemming).
    func folded(_ text: String) -> [String] { plain.tokens(text).map(\.folded) }

    @Test func caseAndDiacriticsFold() {
        #expect(folded("Schrödinger ÉCOLE naïve Ångström façade") == ["schrodinger", "ecole", "naive", "angstrom", "facade"])
        #expect(folded("Straße Æther Øresund Łódź") == ["strasse", "aether", "oresund", "lodz"])
        #expect(analyzer.terms("Schrödinger") == analyzer.terms("schrodinger"))
    }

    @Test func combiningMarksAndFullWidthForms() {
        // "e" + COMBINING ACUTE ACCENT, and full-width "FP4".
        #expect(folded("cafe\u{0301} ＦＰ４ １２３") == ["cafe", "fp4", "123"])
        #expect(folded("co\u{00AD}operate") == ["cooperate"])  // soft hyphen vanishes
        #expect(folded("ﬁnite") == ["finite"])  // ligature
    }

    @Test func numbersAndDecimals() {
        #expect(folded("3.5 and 1,330 models; 1,2,3; v1.2.3 at 10,000,000.") == [
            "3.5", "and", "1330", "models", "1", "2", "3", "v1.2.3", "at", "10000000",
        ])
        #expect(plain.tokens("3.5 1330 x").map(\.kind) == [.number, .number, .word])
        #expect(folded("end of sentence 42.") == ["end", "of", "sentence", "42"])
    }

    @Test func acronymPluralsAreTheirSingular() {
        #expect(folded("LLMs CNNs GANs BNNs GPUs IDs LLM") == ["llm", "cnn", "gan", "bnn", "gpu", "id", "llm"])
        #expect(analyzer.terms("LLMs") == analyzer.terms("LLM"))
        // Not acronym plurals: one capital, a capital S, mixed case, digits first, a lower-case word.
        #expect(folded("Ms ITS MoEs 3Ds crs Gas") == ["ms", "its", "moes", "3ds", "crs", "gas"])
        #expect(folded("LLMs-based") == ["llm", "based", "llmbased"])
    }

    @Test func texAccentsAreTheirLetters() {
        let spellings = ["M\\\"uller", "M{\\\"u}ller", "Müller", "Muller", "M\\\"{u}ller"]
        for spelling in spellings { #expect(folded(spelling) == ["muller"], "\(spelling)") }
        #expect(folded("\\c{C}elik \\v{S}koda \\\"Ozg\\\"ur Bj\\o rn \\'Eric Stra\\ss e") == ["celik", "skoda", "ozgur", "bjorn", "eric", "strasse"])
        // Other commands are unchanged: a name becomes a word, formatting vanishes.
        #expect(folded("$\\theta$ \\textit{de facto}") == ["theta", "de", "facto"])
    }

    @Test func lettersAndDigitsTogether() {
        #expect(folded("3D FP4 ResNet50 GPT-4") == ["3d", "fp4", "resnet50", "gpt", "4", "gpt4"])
    }

    @Test func hyphenatedCompoundsMatchAllThreeSpellings() {
        let hyphen = analyzer.terms("pre-training")
        #expect(hyphen == ["pre", "train", "pretrain"])
        #expect(Set(analyzer.terms("pretraining")).isSubset(of: Set(hyphen)))
        #expect(Set(analyzer.terms("pre training")).isSubset(of: Set(hyphen)))
        // All parts share one position, so phrases around the compound keep their distances.
        let tokens = analyzer.tokens("large pre-training corpora")
        #expect(tokens.map(\.position) == [0, 1, 1, 1, 2])
        #expect(folded("sub-8-bit 4-bit mPLUG-Owl") == ["sub", "8", "bit", "sub8bit", "4", "bit", "4bit", "mplug", "owl", "mplugowl"])
        // Stop words inside a compound drop out of the parts but not the joined form.
        #expect(analyzer.terms("state-of-the-art") == ["state", "art", "stateoftheart"])
        // Dashes that do not join words separate them.
        #expect(folded("a - b -c d-") == ["a", "b", "c", "d"])
    }

    @Test func unicodeHyphensJoinLikeASCII() {
        #expect(folded("pre\u{2010}training") == folded("pre-training"))  // HYPHEN
        #expect(folded("x\u{2212}y") == ["x", "y", "xy"])  // MINUS SIGN
        #expect(folded("A\u{2014}B") == ["a", "b"])  // EM DASH separates
    }

    @Test func possessivesAndApostrophes() {
        #expect(folded("ViT's CLIP’s models' don't O'Brien") == ["vit", "clip", "models", "dont", "obrien"])
        #expect(analyzer.terms("ViT's") == analyzer.terms("ViT"))
    }

    @Test func latexFragments() {
        #expect(folded("$\\theta$-expectations") == ["theta", "expectations"])
        #expect(analyzer.terms("A Theory of $θ$-Expectations").contains("theta"))
        #expect(folded("$\\textit{de facto}$ and \\emph{very} $a \\leq b$ \\cite{x}") == ["de", "facto", "and", "very", "a", "b", "x"])
        #expect(folded("``train once'' paradigm") == ["train", "once", "paradigm"])
        #expect(folded("$O(n^2)$") == ["o", "n", "2"])
    }

    @Test func greekAndCJK() {
        #expect(folded("α-helix μm θ") == ["alpha", "helix", "mu", "m", "theta"])
        #expect(plain.tokens("中文").map(\.kind) == [.symbol, .symbol])
    }

    @Test func urlsAndEmailsAreSingleTokens() {
        #expect(folded("Code: https://github.com/facebookresearch/bit.") == ["code", "github.com/facebookresearch/bit"])
        #expect(folded("(see http://www.Example.org/a?b=1)") == ["see", "example.org/a?b=1"])
        #expect(folded("www.arxiv.org and ftp://ftp.x.org/pub") == ["arxiv.org", "and", "ftp.x.org/pub"])
        #expect(folded("mail jane.doe+ml@uni-x.edu, thanks") == ["mail", "jane.doe+ml@uni-x.edu", "thanks"])
        #expect(plain.tokens("https://a.org/x jane@x.org").map(\.kind) == [.url, .email])
        // Not an address: a lone @, or a TLD with digits.
        #expect(folded("@ a@b.c1") == ["a", "b", "c1"])
    }

    @Test func stopWordsKeepTheirPositions() {
        let tokens = analyzer.tokens("the model of the brain")
        #expect(tokens.map(\.indexedTerm) == [nil, "model", nil, nil, "brain"])
        #expect(tokens.map(\.position) == [0, 1, 2, 3, 4])
        #expect(tokens.filter { $0.indexedTerm == nil }.allSatisfy { $0.droppedBecause == "stop word" })
        #expect(StopWords.lucene.words.count == 33)
    }

    @Test func emptyAndDegenerateInput() {
        #expect(plain.tokens("").isEmpty)
        #expect(plain.tokens("  \n\t ").isEmpty)
        #expect(plain.tokens("!?.,;:()[]{}<>/\\|@#$%^&*-_+=~`'\"").isEmpty)
        #expect(folded("\u{FFFD}\u{200B}x") == ["x"])
    }

    @Test func overlongRunsAreDroppedButTakeAPosition() {
        let long = String(repeating: "a", count: 100_000)
        let tokens = analyzer.tokens("before \(long) after")
        #expect(tokens.map(\.indexedTerm) == ["befor", nil, "after"])
        #expect(tokens[1].droppedBecause == "too long")
        #expect(tokens.map(\.position) == [0, 1, 2])
        let edge = String(repeating: "b", count: Tokenizer.maximumTokenLength)
        #expect(folded(edge) == [edge])
        #expect(plain.tokens(edge + "b").first?.droppedBecause == "too long")
    }

    @Test func invalidUTF8BytesSeparateTokens() {
        let bytes: [UInt8] = Array("ab".utf8) + [0xFF, 0xC3] + Array("cd".utf8) + [0xE2, 0x82]
        #expect(folded(String(decoding: bytes, as: UTF8.self)) == ["ab", "cd"])
    }

    /// Every token's byte range maps back to its text in the source, and positions never go down.
    @Test func rangesAndPositionsRoundTripOnRealAbstracts() throws {
        let (papers, _) = try CorpusReader(paths: [TestPaths.corpus]).readAll()
        for paper in papers {
            let source = Array(paper.abstract.utf8)
            var lastPosition = -1
            for token in analyzer.tokens(paper.abstract) {
                let slice = source[token.utf8Range]
                #expect(String(decoding: slice, as: UTF8.self) == token.text)
                #expect(token.position >= lastPosition)
                lastPosition = token.position
            }
        }
    }

    /// A sink that wants terms from some position on gets exactly those of the whole analysis from there,
    /// though the plain words before it are only counted: on real abstracts and on a text of every construct
    /// the tokenizer knows, from every position.
    @Test func passingOverPlainWordsKeepsEveryLaterPosition() throws {
        struct From: TermSink {
            var first = 0
            var terms: [(String, Int, Int, Int)] = []
            var firstWantedPosition: Int { first }
            init() {}
            mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
                guard position >= first else { return }
                var bytes: [UInt8] = []
                for index in term.indices { bytes.append(term[index]) }
                terms.append((String(decoding: bytes, as: UTF8.self), position, start, end))
            }
        }
        let tricky = #"""
            (The) "LLMs" of 2023: pre-training, ViT's heads; don't stop! 3.5 and 1,330 [see https://example.org/a.b]
            mail me@example.com, ftp: www. (http x) M\"uller {\"u}ber \v s \o rn $\theta$ θ 東京 naïve \textit{bold}
            \#(String(repeating: "x", count: 80)) end. a.b c,d e-f-g 'quoted' x\y {z} -lead trail- ... ??? ok
            """#
        let (papers, _) = try CorpusReader(paths: [TestPaths.corpus]).readAll()
        var scratch = AnalyzerScratch()
        for text in [tricky] + papers.prefix(30).map(\.abstract) {
            var whole = From()
            analyzer.analyze(text, scratch: &scratch, into: &whole)
            let last = whole.terms.map(\.1).max() ?? 0
            for first in 0...(last + 1) {
                var sink = From()
                sink.first = first
                analyzer.analyze(text, scratch: &scratch, into: &sink)
                let expected = whole.terms.filter { $0.1 >= first }
                #expect(sink.terms.map(\.0) == expected.map(\.0), "from \(first)")
                #expect(sink.terms.map(\.1) == expected.map(\.1), "from \(first)")
                #expect(sink.terms.map(\.2) == expected.map(\.2), "from \(first)")
            }
        }
    }

    /// The streaming path used for indexing gives the same terms and positions as the detailed one.
    @Test func streamingAnalysisAgreesWithTokenList() throws {
        struct Collect: TermSink {
            var terms: [(String, Int, Int, Int)] = []
            init() {}
            mutating func term(_ term: Span<UInt8>, position: Int, start: Int, end: Int) {
                var bytes: [UInt8] = []
                for index in term.indices { bytes.append(term[index]) }
                terms.append((String(decoding: bytes, as: UTF8.self), position, start, end))
            }
        }
        let (papers, _) = try CorpusReader(paths: [TestPaths.corpus]).readAll()
        var scratch = AnalyzerScratch()
        for stemmer in Analyzer.Stemmer.allCases {
            let analyzer = Analyzer(stemmer: stemmer)
            for paper in papers.prefix(40) {
                var sink = Collect()
                let length = analyzer.analyze(paper.abstract, scratch: &scratch, into: &sink)
                let expected = analyzer.tokens(paper.abstract).filter { $0.indexedTerm != nil }
                #expect(sink.terms.map(\.0) == expected.map { $0.indexedTerm ?? "" })
                #expect(sink.terms.map(\.1) == expected.map(\.position))
                #expect(sink.terms.map(\.2) == expected.map(\.utf8Range.lowerBound))
                #expect(length == Set(expected.map(\.position)).count)
            }
        }
    }

    /// Plain words read once for the text and the authors (`termPositionsAndWritten`): the terms are the
    /// analysis's, and the words as written, less stop words, are what the keyword analysis (no stemming, no
    /// stop words) keeps less stop words — as the author clause of a plain-words query reads them.
    @Test func writtenWordsAgreeWithTheKeywordAnalysis() throws {
        let keywords = Analyzer(stemmer: .none, stopWords: .none)
        let made = ["The IT department's optimisation", "state-of-the-art models of the world", "Jean-Baptiste de la Mouret",
                    "a " + String(repeating: "long", count: 80) + " word", "GPT-4 and COVID-19", "Müller's résumé"]
        try forEachAnalysis(of: made) { analyzer, text, scratch in
            let read = analyzer.termPositionsAndWritten(text, scratch: &scratch)
            let terms = analyzer.termPositions(text)
            #expect(read.terms.map(\.term) == terms.map(\.term), "\(text)")
            #expect(read.terms.map(\.position) == terms.map(\.position), "\(text)")
            let unstopped = { (words: [[UInt8]]) in words.filter { !analyzer.stopWords.contains($0.span) } }
            #expect(unstopped(read.written) == unstopped(keywords.termPositions(text).map(\.term)), "\(text)")
        }
    }

    /// A phrase's tokens through the streaming path (`phraseTokens`, what phrase spellings are read from) are
    /// the token list's, dropped ones included: each kept token's term and position, each stop word or
    /// overlong token at the position it leaves empty, in order (compounds' parts, stop-word parts among them,
    /// before their joined form).
    @Test func phraseTokensAgreeWithTokenList() throws {
        let made = ["state-of-the-art methods", "the end-to-end training of a model", "out-of-the-box", "x-ray images",
                    "a " + String(repeating: "long", count: 80) + " word and " + String(repeating: "hyphen-", count: 40) + "end",
                    "of the", "COVID-19 and GPT-4", "optimisation of colour", "https://a.org/x is a url", "it's the model's"]
        try forEachAnalysis(of: made) { analyzer, text, scratch in
            let streamed = analyzer.phraseTokens(text, scratch: &scratch)
            let listed = analyzer.tokens(text)
            #expect(streamed.map { $0.term.map { String(decoding: $0, as: UTF8.self) } } == listed.map(\.indexedTerm), "\(text)")
            #expect(streamed.map(\.position) == listed.map(\.position), "\(text)")
        }
    }

    /// Calls `body` with an analyzer of each stemmer and each of `made`, then the titles and abstracts of the
    /// bundled corpus's first 40 papers, with one scratch throughout (as a query plan keeps one).
    private func forEachAnalysis(of made: [String], _ body: (Analyzer, String, inout AnalyzerScratch) -> Void) throws {
        let (papers, _) = try CorpusReader(paths: [TestPaths.corpus]).readAll()
        var scratch = AnalyzerScratch(stemCacheSlotBits: 1)
        for stemmer in Analyzer.Stemmer.allCases {
            let analyzer = Analyzer(stemmer: stemmer)
            for text in made + papers.prefix(40).flatMap({ [$0.title, $0.abstract] }) { body(analyzer, text, &scratch) }
        }
    }
}

@Suite("Character folding table")
struct CharacterFoldingTableTests {
    /// Every line of the generated table, read here with String's splitting: the decoded table folds its
    /// scalar to its kind and text, and holds nothing else.
    @Test func decodedTableMatchesEveryLine() {
        var lines = 0
        for line in CharacterFolding.encodedTable.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let value = UInt32(fields[0], radix: 16), let scalar = Unicode.Scalar(value) else {
                Issue.record("unreadable line \(line)")
                continue
            }
            let kinds: [Substring: CharacterFolding.Kind] = ["L": .letter, "D": .digit, "G": .standalone, "M": .dropped,
                                                            "H": .hyphen, "A": .apostrophe]
            var text: [UInt8] = []
            let kind = CharacterFolding.fold(scalar, into: &text)
            #expect(kind == kinds[fields[1]], "\(fields[0])")
            #expect(text == Array((fields.count > 2 ? fields[2] : "").utf8), "\(fields[0])")
            lines += 1
        }
        #expect(lines > 1000)
        #expect(CharacterFolding.table.entries.count == lines)
    }
}
