import Testing
@testable import PaperSearch

/// The stemmers against the official vocabularies (Tests/Fixtures/stemmer): every word, every line.
@Suite("Stemmers")
struct StemmerTests {
    static func vocabulary(_ words: String, _ stems: String) throws -> [(String, String)] {
        let input = try fixtureText("stemmer/" + words).split(separator: "\n", omittingEmptySubsequences: false)
        let output = try fixtureText("stemmer/" + stems).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(input.count == output.count)
        return zip(input, output).filter { !$0.0.isEmpty }.map { (String($0.0), String($0.1)) }
    }

    static func mismatches(_ pairs: [(String, String)], stem: (inout [UInt8]) -> Void) -> [String] {
        var failures: [String] = []
        var buffer: [UInt8] = []
        for (word, expected) in pairs {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: word.utf8)
            stem(&buffer)
            let actual = String(decoding: buffer, as: UTF8.self)
            if actual != expected { failures.append("\(word) -> \(actual), expected \(expected)") }
        }
        return failures
    }

    @Test func snowballEnglishMatchesTheCurrentVocabularyExactly() throws {
        let pairs = try Self.vocabulary("english-voc.txt.gz", "english-output.txt.gz")
        #expect(pairs.count == 42_649)
        let failures = Self.mismatches(pairs, stem: EnglishStemmer.stem)
        #expect(failures.isEmpty, "\(failures.count) words differ, e.g. \(failures.prefix(40))")
    }

    /// What snippets rely on to skip stemming words that cannot match (`TermSink.needsStem`): both stemmers
    /// keep a word's first byte, except Porter2 dropping a leading apostrophe. Every word of the official
    /// vocabularies, through our stemmers.
    @Test func stemmingKeepsTheFirstByteButForALeadingApostrophe() throws {
        for (file, stem) in [("english-voc.txt.gz", EnglishStemmer.stem), ("english-v2-voc.txt.gz", EnglishStemmer.stem),
                             ("porter-voc.txt.gz", PorterStemmer.stem), ("porter-snowball-voc.txt.gz", PorterStemmer.stem)]
            as [(String, (inout [UInt8]) -> Void)] {
            let words = try fixtureText("stemmer/" + file).split(separator: "\n").map { Array($0.utf8) }
            #expect(words.count > 20_000)
            var changed: [String] = []
            for word in words {
                var buffer = word
                stem(&buffer)
                if buffer.first != word.first && word.first != UInt8(ascii: "'") { changed.append(String(decoding: word, as: UTF8.self)) }
            }
            #expect(changed.isEmpty, "\(file): \(changed.prefix(20))")
        }
    }

    /// `Analyzer.termOfLetters`, the shortcut a correction takes for its spellings, against full analysis:
    /// every word of plain letters of the official vocabulary, stop words, British spellings, Greek letters
    /// spelt out, and words up to and past the tokenizer's longest, under each stemmer.
    @Test func aWordOfLettersGetsTheTermAnalysisGivesIt() throws {
        var words = try fixtureText("stemmer/english-voc.txt.gz").split(separator: "\n").map { Array($0.utf8) }
            .filter { !$0.isEmpty && $0.allSatisfy { $0 >= 0x61 && $0 <= 0x7A } }
        #expect(words.count > 20_000)
        words += ["the", "of", "and", "quantisation", "colour", "modelling", "theta", "alpha", "a", "zz",
                  String(repeating: "a", count: 64), String(repeating: "b", count: 65)].map { Array($0.utf8) }
        for analyzer in Analyzer.Stemmer.allCases.map({ Analyzer(stemmer: $0) }) {
            var differing: [String] = []
            for word in words {
                var term = word
                let kept = analyzer.termOfLetters(&term)
                let expected = analyzer.terms(String(decoding: word, as: UTF8.self))
                if (kept ? [String(decoding: term, as: UTF8.self)] : []) != expected { differing.append(String(decoding: word, as: UTF8.self)) }
            }
            #expect(differing.isEmpty, "\(analyzer.name): \(differing.prefix(20))")
        }
    }

    @Test func porterMatchesMartinPortersReferenceVocabularyExactly() throws {
        let pairs = try Self.vocabulary("porter-voc.txt.gz", "porter-output.txt.gz")
        #expect(pairs.count == 23_531)
        let failures = Self.mismatches(pairs, stem: PorterStemmer.stem)
        #expect(failures.isEmpty, "\(failures.count) words differ, e.g. \(failures.prefix(40))")
    }
}
