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

    static let fixtures = repositoryRoot + "/Tests/PaperSearchTests/Fixtures"
    static let corpus = repositoryRoot + "/Corpus"
    /// The shared datasets, next to the repository (read-only).
    static let datasets = repositoryRoot + "/../shared/datasets"

    static func fixture(_ name: String) -> String { fixtures + "/" + name }
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
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return file
    }

    func file(_ name: String) -> String { path + "/" + name }
}

/// Reads a text file, failing the test when it cannot.
func readText(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}
