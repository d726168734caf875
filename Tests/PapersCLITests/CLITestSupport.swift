import Foundation
import Testing
@testable import PaperSearch

/// Runs the built `papers` executable as a child process, as a user would.
enum PapersProcess {
    /// The `papers` binary next to the test bundle in `.build/<configuration>/`.
    static let executable = builtExecutable("papers")
    /// The benchmarks executable, built beside it.
    static let benchmarks = builtExecutable("PaperSearchBenchmarks")

    static func builtExecutable(_ name: String) -> String {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.pathComponents.count > 1 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return name
    }

    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let fixtures = repositoryRoot + "/Tests/Fixtures"

    /// The text of a file in Tests/Fixtures, gunzipped when it is compressed (by the library's own reader).
    static func fixtureText(_ name: String) throws -> String {
        let stream = try FileStream.open(path: fixtures + "/" + name)
        var bytes: [UInt8] = []
        while try stream.read(appendingTo: &bytes, maxCount: 1 << 20) > 0 {}
        return String(decoding: bytes, as: UTF8.self)
    }

    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs `papers` with `arguments` in `directory` (default: the repository root).
    static func run(_ arguments: [String], in directory: String? = nil, input: String? = nil,
                    environment: [String: String] = [:], executable: String = executable) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? repositoryRoot)
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "PAPERS_INDEX")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        // Output goes to files: no pipe can fill up and block the child.
        let scratch = TemporaryDirectory()
        let outputPath = scratch.path + "/stdout", errorPath = scratch.path + "/stderr"
        try SystemCalls.writeFile(outputPath, [])
        try SystemCalls.writeFile(errorPath, [])
        let outputHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        let errorHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        let inputPipe = Pipe()
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        process.standardInput = inputPipe
        // A child that stops reading (as papers does past an input limit) must not kill the tests with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        try process.run()
        if let input { try? inputPipe.fileHandleForWriting.write(contentsOf: Data(input.utf8)) }
        try? inputPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        try outputHandle.close()
        try errorHandle.close()
        let outputData = try Data(contentsOf: URL(fileURLWithPath: outputPath))
        let errorData = try Data(contentsOf: URL(fileURLWithPath: errorPath))
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      errors: String(decoding: errorData, as: UTF8.self))
    }
}

/// A fresh temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "papers-cli-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let file = path + "/" + name
        try? SystemCalls.writeFile(file, Array(text.utf8))
        return file
    }
}

/// Where an index keeps its files.
enum IndexFiles {
    /// The folder of the index's first segment (an index built in one go has one).
    static func segment(_ index: String) throws -> String {
        try SearchIndex.open(at: index).segments[0].segment.folder
    }

    /// What a finished index holds, sorted: the marker, the lock, `CURRENT`, the live commit's file and
    /// everything it names — nothing else.
    static func cleanEntries(_ index: String) throws -> [String] {
        (["CURRENT", "LOCK", "PAPERSEARCH-INDEX"] + IndexWriter.namesNeeded(by: try SearchIndex.open(at: index))).sorted()
    }
}
