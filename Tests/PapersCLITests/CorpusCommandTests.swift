import Foundation
import Testing

@Suite("papers corpus")
struct CorpusCommandTests {
    @Test func reportsTheBundledCorpus() throws {
        let result = try PapersProcess.run(["corpus"])
        #expect(result.status == 0)
        #expect(result.output.contains("Corpus/002_ad5981f22b560db4.txt"))
        #expect(result.output.contains("5 files: 132 papers read, 2 duplicates merged, 130 unique papers."))
        #expect(result.output.contains("Skipped: nothing."))
        #expect(result.errors.isEmpty)
    }

    @Test func jsonOutputIsACorpusThatReadsBackUnchanged() throws {
        let first = try PapersProcess.run(["corpus", "--json"])
        #expect(first.status == 0)
        let lines = first.output.split(separator: "\n")
        #expect(lines.count == 130)
        let record = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["id", "title", "authors", "year", "date", "venue", "abstract", "sources"] {
            #expect(record[key] != nil, "missing \(key)")
        }
        #expect(lines[0].hasPrefix(#"{"id":"#))
        let directory = TemporaryDirectory()
        let converted = directory.write("converted.jsonl", first.output)
        let second = try PapersProcess.run(["corpus", "--json", converted])
        #expect(second.status == 0)
        #expect(second.output == first.output)
        #expect(second.errors.contains("1 file: 130 papers read, 0 duplicates merged, 130 unique papers."))
    }

    @Test func badLinesAreReportedAndSkipped() throws {
        let directory = TemporaryDirectory()
        let file = directory.write("bad.jsonl", "{\"id\": \"1\", \"title\": \"Fine\"}\n{oops}\n")
        let result = try PapersProcess.run(["corpus", file])
        #expect(result.status == 0)
        #expect(result.errors.contains("warning: \(file):2: malformed JSON: column 2: unexpected 'o', expected a string key"))
        #expect(result.output.contains("Skipped 1: 1 malformed JSON."))

        let strict = try PapersProcess.run(["corpus", "--strict", file])
        #expect(strict.status == 1)
        #expect(strict.errors.contains("error: \(file):2: malformed JSON"))
    }

    @Test func nothingReadableIsAFailure() throws {
        let result = try PapersProcess.run(["corpus", "/no/such/path"])
        #expect(result.status == 1)
        #expect(result.errors.contains("warning: /no/such/path: unreadable: cannot stat: No such file or directory"))
    }

    @Test func usageErrorsExitWith64() throws {
        let unknownOption = try PapersProcess.run(["corpus", "--frobnicate"])
        #expect(unknownOption.status == 64)
        #expect(unknownOption.errors.contains("error: unknown option '--frobnicate' for 'papers corpus'"))
        let unknownCommand = try PapersProcess.run(["frobnicate"])
        #expect(unknownCommand.status == 64)
        let none = try PapersProcess.run([])
        #expect(none.status == 64)
    }

    @Test func helpForTheToolAndTheCommand() throws {
        let tool = try PapersProcess.run(["--help"])
        #expect(tool.status == 0)
        #expect(tool.output.contains("corpus"))
        let command = try PapersProcess.run(["corpus", "--help"])
        #expect(command.status == 0)
        #expect(command.output.hasPrefix("USAGE: papers corpus [PATH ...] [--json] [--strict]"))
    }
}

@Suite("papers analyze")
struct AnalyzeCommandTests {
    @Test func showsTokensPositionsAndDroppedWords() throws {
        let result = try PapersProcess.run(["analyze", "The pre-training of ViT's"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("0 The word (dropped: stop word)"))
        #expect(lines.contains("1 pre-training word pretrain"))
        #expect(lines.contains("3 ViT's word vit"))
    }

    @Test func jsonListsEveryToken() throws {
        let result = try PapersProcess.run(["analyze", "--json", "Schrödinger cats"])
        #expect(result.status == 0)
        let tokens = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[String: Any]])
        #expect(tokens.map { $0["term"] as? String } == ["schroding", "cat"])
        #expect(tokens.map { $0["start"] as? Int } == [0, 13])
    }

    @Test func stemModeWritesOneStemALineAndNothingElse() throws {
        let english = try PapersProcess.run(["analyze", "--stem"], input: "running\ngenerously\nInternational\n\nskies\n")
        #expect(english.status == 0)
        #expect(english.output == "run\ngenerous\ninternat\n\nsky\n")
        let porter = try PapersProcess.run(["analyze", "--stem", "--stemmer", "porter"], input: "generalization\nhumbly\n")
        #expect(porter.output == "gener\nhumbl\n")
    }

    @Test func stemModeReproducesTheOfficialVocabulary() throws {
        let words = try PapersProcess.fixtureText("stemmer/english-voc.txt.gz")
        let stems = try PapersProcess.fixtureText("stemmer/english-output.txt.gz")
        let result = try PapersProcess.run(["analyze", "--stem"], input: words)
        #expect(result.output == stems)
    }

    @Test func unknownStemmerIsAUsageError() throws {
        let result = try PapersProcess.run(["analyze", "--stemmer", "lancaster", "x"])
        #expect(result.status == 64)
        #expect(result.errors.contains("--stemmer takes english, porter or none, not 'lancaster'"))
    }
}
