import Foundation
import Testing
@testable import PaperSearch

/// Paths and scratch space for tests.
enum TestPaths {
    /// The repository root, found from this file's path.
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Every file a test reads lies here or in `Corpus/` (see its README for sources and licences).
    static let fixtures = repositoryRoot + "/Tests/Fixtures"
    static let corpus = repositoryRoot + "/Corpus"
    /// The first 9,000 papers of arxiv-daily, gzipped.
    static let arxivSample = fixtures + "/arxiv-daily-9000.jsonl.gz"

    static func fixture(_ name: String) -> String { fixtures + "/" + name }
}

/// The bytes of a fixture, gunzipped when it is compressed (through the readers' own decoder).
func fixtureBytes(_ name: String) throws -> [UInt8] {
    let stream = try FileStream.open(path: TestPaths.fixture(name))
    var bytes: [UInt8] = []
    while try stream.read(appendingTo: &bytes, maxCount: 1 << 20) > 0 {}
    return bytes
}

/// The text of a fixture, gunzipped when it is compressed.
func fixtureText(_ name: String) throws -> String {
    String(decoding: try fixtureBytes(name), as: UTF8.self)
}

/// The first `count` papers of the arxiv-daily sample, read record by record as the corpus reader maps them.
func arxivSamplePapers(_ count: Int = 9_000) throws -> [Paper] {
    var lines = LineReader(source: try FileStream.open(path: TestPaths.arxivSample))
    var papers: [Paper] = []
    while papers.count < count, let line = try lines.next() {
        guard case let .object(object) = try JSONParser.parse(line.bytes) else {
            throw FixtureError(message: "arxiv sample line \(line.number) is not an object")
        }
        papers.append(try PaperRecord.paper(from: object, location: SourceLocation(file: "arxiv", line: line.number)))
    }
    return papers
}

/// A fixture that is not what the tests expect.
struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A fresh directory under the system's temporary directory, removed when the value goes away.
final class ScratchDirectory {
    let path: String

    init() {
        let base = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("papersearch-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a file (text) and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        write(name, bytes: Array(text.utf8))
    }

    /// Writes a file (bytes) and returns its path.
    @discardableResult
    func write(_ name: String, bytes: [UInt8]) -> String {
        let file = path + "/" + name
        let directory = (file as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try? SystemCalls.writeFile(file, bytes)
        return file
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Reads a text file, failing the test when it cannot.
func readText(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

extension SearchIndex {
    /// The one segment of an index built in one go (most tests' indexes), for tests of a segment's files.
    var soleSegment: Segment {
        precondition(segments.count == 1, "the index has \(segments.count) segments")
        return segments[0].segment
    }

    var norms: Norms { soleSegment.norms }
    var manifest: Manifest { soleSegment.manifest }
    var terms: TermDictionary { soleSegment.terms }
    var positions: MappedFile { soleSegment.positions }
    var values: DocValues { soleSegment.values }

    func termInfo(_ namespace: FieldNamespace, _ term: [UInt8]) throws(IndexError) -> TermInfo? {
        try soleSegment.termInfo([namespace.rawValue] + term)
    }

    func cursor(_ info: TermInfo) -> PostingsCursor { soleSegment.cursor(info) }
}

/// What an index folder holds.
enum IndexLayout {
    /// What a finished index holds, sorted: the marker, the lock, `CURRENT`, the live commit's file and
    /// everything it names — nothing else.
    static func cleanEntries(_ directory: String) -> [String] {
        guard let index = try? SearchIndex.open(at: directory) else { return [] }
        return (["CURRENT", "LOCK", "PAPERSEARCH-INDEX"] + IndexWriter.namesNeeded(by: index)).sorted()
    }
}
