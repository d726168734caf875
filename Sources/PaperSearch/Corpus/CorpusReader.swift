import Synchronization

/// Reads papers from files and directories in any supported format, merging duplicates.
///
/// **Inputs.** Directories are walked recursively in byte order of their names; inside them only regular
/// files that look like corpus files are read (`.txt`, `.jsonl`, `.ndjson`, `.json`, and these with `.gz`),
/// so a README beside the data is not an error. A path named explicitly is always read, whatever it is: a
/// file, a pipe (`<(zcat ...)`), a FIFO or standard input (`-`). Every input is opened once per reader: pipes and
/// FIFOs are copied to an anonymous temporary file as they are read (`InputFile`), so that a second pass
/// reads the same bytes, and the same file reached by two paths is read once.
///
/// **Duplicates.** Papers with the same id (given, or derived from the title) are one paper: the first record
/// is kept and the later ones are merged into it (`PaperMerger`), so it lists every place it was found.
/// Memory stays flat on multi-gigabyte input because `read` takes two passes: the first reads everything,
/// remembering a 64-bit fingerprint of each id and writing the records of later duplicates to an anonymous
/// temporary file (`DuplicateRecords`); the second reads again and hands each paper over once, at its first
/// appearance, with its duplicates merged in. What stays in memory is 8 bytes a paper and 16 bytes a repeated
/// record, however often an id repeats. Most corpora repeat no id, so `readOnce` reads in one pass and gives
/// up at the first repeated id; callers then start again with `read` (`readEach` and the index builder do),
/// and get the same papers either way.
public struct CorpusReader: Sendable {
    public var paths: [String]
    /// Stop at the first problem instead of skipping it.
    public var strict: Bool
    /// The inputs, resolved and (for pipes) opened on the first read and reused by later passes.
    private let inputs = ResolvedInputs()

    public init(paths: [String], strict: Bool = false) {
        self.paths = paths
        self.strict = strict
    }

    static let corpusExtensions = [".txt", ".jsonl", ".ndjson", ".json"]

    /// Thrown by `readOnce` at the first id that repeats.
    public struct RepeatedID: Error {
        public let id: String
    }

    /// Calls `body` once for every paper in one pass over the files, which is all a corpus without repeated ids
    /// needs, and reports what was found. At the first repeated id (or 64-bit fingerprint) it throws
    /// `RepeatedID`: the caller discards what it was handed and calls `read`. `progress` learns now and then
    /// the share of the input bytes read so far (0...1), for an ETA.
    public func readOnce(progress: ((Double) -> Void)? = nil, _ body: (Paper) throws -> Void) throws -> CorpusReport {
        try readOnce(progress: progress, observe: nil, body)
    }

    /// `readOnce`, also showing `observe` every record as read (before duplicates are merged) with the number
    /// of its input in `resolvedInputs()` and its hash (`SourceIDs`).
    func readOnce(progress: ((Double) -> Void)?, observe: ((Int, Paper, UInt64) -> Void)?, _ body: (Paper) throws -> Void) throws -> CorpusReport {
        var report = CorpusReport()
        let files = try inputFiles(report: &report)
        let totalBytes = Double(max(1, files.reduce(0) { $0 + $1.size }))
        var bytesBefore = 0
        var seen = Set<UInt64>()
        var uniquePapers = 0
        for (number, file) in files.enumerated() {
            var summary = CorpusReport.FileSummary(path: file.path, format: nil, notes: [], papers: 0, skipped: 0)
            let fileProgress = progress.map { share in
                { (bytes: Int) in share(Double(bytesBefore + min(bytes, file.size)) / totalBytes) }
            }
            try readFile(file, summary: &summary, report: &report, progress: fileProgress, hashing: observe != nil) { paper, hash in
                observe?(number, paper, hash)
                guard seen.insert(StableHash.fnv1a64(paper.id.utf8)).inserted else { throw RepeatedID(id: paper.id) }
                uniquePapers += 1
                try body(paper)
            }
            report.files.append(summary)
            bytesBefore += file.size
        }
        report.uniquePapers = uniquePapers
        return report
    }

    /// Calls `body` once for every paper, in order of first appearance, and reports what was found.
    /// `planned` learns, after the first pass, how many papers the second will hand over.
    /// Throws `CorpusError.strict` in strict mode, or whatever `body` throws.
    public func read(planned: ((Int) -> Void)? = nil, _ body: (Paper) throws -> Void) throws -> CorpusReport {
        try read(planned: planned, observe: nil, body)
    }

    /// `read`, also showing `observe` every record as read in the first pass (before duplicates are merged)
    /// with the number of its input in `resolvedInputs()` and its hash (`SourceIDs`).
    func read(planned: ((Int) -> Void)?, observe: ((Int, Paper, UInt64) -> Void)?, _ body: (Paper) throws -> Void) throws -> CorpusReport {
        var report = CorpusReport()
        let files = try inputFiles(report: &report)

        // Pass 1: find duplicates (their records go to the store), validate, count.
        var seen = Set<UInt64>()
        let duplicates = DuplicateRecords()
        var ordinal = 0
        for (number, file) in files.enumerated() {
            var summary = CorpusReport.FileSummary(path: file.path, format: nil, notes: [], papers: 0, skipped: 0)
            try readFile(file, summary: &summary, report: &report, hashing: observe != nil) { paper, hash in
                observe?(number, paper, hash)
                let fingerprint = StableHash.fnv1a64(paper.id.utf8)
                if !seen.insert(fingerprint).inserted { try duplicates.add(paper, fingerprint: fingerprint) }
                ordinal += 1
            }
            report.files.append(summary)
        }
        seen = []
        planned?(ordinal - duplicates.count)

        // Pass 2: hand each paper over once, merged with its later records. A fingerprint may stand for two
        // ids (a 64-bit collision): each id is handed over at its own first appearance, merged with the
        // stored records of that id only.
        var emitted = Set<DuplicateRecords.Key>()
        var scratch = CorpusReport()
        for file in files {
            var summary = CorpusReport.FileSummary(path: file.path, format: nil, notes: [], papers: 0, skipped: 0)
            try readFile(file, summary: &summary, report: &scratch) { paper, _ in
                let fingerprint = StableHash.fnv1a64(paper.id.utf8)
                guard duplicates.contains(fingerprint) else {
                    report.uniquePapers += 1
                    try body(paper)
                    return
                }
                guard emitted.insert(DuplicateRecords.Key(paper.id, fingerprint)).inserted else {
                    return  // a later record, already merged into the first
                }
                var merger = PaperMerger(paper)
                let first = paper.sources.first
                try duplicates.forEachRecord(of: fingerprint) { record in
                    // The first record of this id is among the stored ones only if it collided with another id.
                    guard record.id == paper.id, record.sources.first != first else { return }
                    merger.merge(record)
                    report.duplicatesMerged += 1
                }
                report.uniquePapers += 1
                try body(merger.paper)
            }
        }
        return report
    }

    /// Calls `body` once for every paper, as `read` would: in one pass if no id repeats; else `restart` runs
    /// (to discard what `body` was handed) and the papers come again from the two-pass `read`.
    public func readEach(restart: () -> Void, _ body: (Paper) throws -> Void) throws -> CorpusReport {
        do {
            return try readOnce(body)
        } catch is RepeatedID {
            restart()
            return try read(body)
        }
    }

    /// Calls `observe` with every record as read, in order, with the number of its input in
    /// `resolvedInputs()` and its hash (`SourceIDs`) — duplicates not merged, in one pass.
    func readRecords(_ observe: (Int, Paper, UInt64) throws -> Void) throws -> CorpusReport {
        var report = CorpusReport()
        let files = try inputFiles(report: &report)
        for (number, file) in files.enumerated() {
            var summary = CorpusReport.FileSummary(path: file.path, format: nil, notes: [], papers: 0, skipped: 0)
            try readFile(file, summary: &summary, report: &report, hashing: true) { paper, hash in try observe(number, paper, hash) }
            report.files.append(summary)
            report.uniquePapers += summary.papers
        }
        return report
    }

    /// Reads every paper once and returns them all (for small corpora and tests).
    public func readAll() throws -> (papers: [Paper], report: CorpusReport) {
        var papers: [Paper] = []
        let report = try readEach(restart: { papers.removeAll() }) { papers.append($0) }
        return (papers, report)
    }

    // MARK: - Inputs

    /// The inputs the paths resolve to, in reading order (resolved once per reader).
    func resolvedInputs() throws -> [CorpusInput] {
        try inputs.resolve(paths).0
    }

    /// Whether every path can be read again later: a regular file or a folder (not standard input, a pipe or
    /// a device).
    public var pathsCanBeReadAgain: Bool {
        paths.allSatisfy { path in
            guard path != "-", let status = try? SystemCalls.status(path) else { return false }
            return status.isRegularFile || status.isDirectory
        }
    }

    /// The inputs of every pass, resolved once; the problems found while resolving them are reported again in
    /// every pass's report.
    private func inputFiles(report: inout CorpusReport) throws -> [CorpusInput] {
        let (files, problems) = try inputs.resolve(paths)
        for problem in problems { try record(problem, in: &report) }
        return files
    }

    private func record(_ problem: CorpusProblem, in report: inout CorpusReport) throws(CorpusError) {
        if strict { throw .strict(problem) }
        if problem.kind.keepsTheRecord {
            report.kept[problem.kind, default: 0] += 1
        } else {
            report.skipped[problem.kind, default: 0] += 1
        }
        if report.problems.count < CorpusReport.problemLimit { report.problems.append(problem) }
    }

    // MARK: - Files

    /// The state of reading one file: its summary, and the report its problems go to.
    private struct FileContext {
        let reader: CorpusReader
        let path: String
        var summary: CorpusReport.FileSummary
        var report: CorpusReport
        /// Learns now and then how many bytes of the file were read.
        var progress: ((Int) -> Void)?
        /// Whether each record is handed over with its hash (`SourceIDs`); else with 0.
        var hashing = false

        /// A problem that skips a line or the file.
        mutating func problem(_ kind: CorpusProblem.Kind, line: Int? = nil, _ detail: String) throws(CorpusError) {
            if kind.keepsTheRecord { summary.kept += 1 } else { summary.skipped += 1 }
            try reader.record(CorpusProblem(kind: kind, file: path, line: line, detail: detail), in: &report)
        }
    }

    /// Reads one file, calling `emit` for each paper and recording problems.
    private func readFile(
        _ file: CorpusInput, summary: inout CorpusReport.FileSummary, report: inout CorpusReport,
        progress: ((Int) -> Void)? = nil, hashing: Bool = false, emit: (Paper, UInt64) throws -> Void
    ) throws {
        var context = FileContext(reader: self, path: file.path, summary: summary, report: report, progress: progress)
        context.hashing = hashing
        defer {
            summary = context.summary
            report = context.report
        }
        do {
            let stream = try file.open()
            if stream.isCompressed { context.summary.notes.append("gzip") }
            var head: [UInt8] = []
            while head.count < FileSniffing.headLength, try stream.read(appendingTo: &head, maxCount: FileSniffing.headLength - head.count) > 0 {}
            if head.starts(with: FileSniffing.byteOrderMark) { head.removeFirst(FileSniffing.byteOrderMark.count) }
            switch FileSniffing.classify(head) {
            case .empty:
                try context.problem(.emptyFile, head.isEmpty ? "the file is empty" : "the file holds only white space")
            case let .binary(reason):
                try context.problem(.binaryFile, "\(reason); not a corpus file")
            case .jsonArray:
                try context.problem(.unknownFormat, "a JSON array; PaperSearch reads JSON Lines (one object a line)")
            case .jsonLines:
                context.summary.format = .jsonLines
                try readJSONLines(stream: stream, head: head, context: &context, emit: emit)
            case .text:
                try readProfilePage(stream: stream, head: head, context: &context, emit: emit)
            }
        } catch let error as StorageError {
            try context.problem(.unreadable, error.reason)
        }
    }

    /// The longest line read; a longer one is skipped as "line too long". No record of a paper's abstract
    /// comes near it, and a bound here bounds the memory one record takes while it is indexed (about ten
    /// times its size).
    static let maximumLineLength = 4 << 20
    /// The largest profile page read (a page is read whole).
    static let maximumPageLength = 16 << 20

    private func readJSONLines(
        stream: FileStream, head: [UInt8], context: inout FileContext, emit: (Paper, UInt64) throws -> Void
    ) throws {
        var lines = LineReader(source: stream, initialBytes: head, maximumLineLength: CorpusReader.maximumLineLength)
        var formNoted = false
        while let line = try lines.next() {
            if line.isTruncated {
                try context.problem(.lineTooLong, line: line.number, "longer than \(CorpusReader.maximumLineLength >> 20) MiB (no abstract is this long)")
                continue
            }
            if line.bytes.allSatisfy(FileSniffing.isSpace) { continue }
            let value: JSONValue
            do { value = try JSONParser.parse(line.bytes) } catch {
                let column = FileSniffing.column(ofByte: error.offset, in: line.bytes)
                let kind: CorpusProblem.Kind = error.reason.hasPrefix("invalid UTF-8") ? .invalidUTF8 : .malformedJSON
                try context.problem(kind, line: line.number, "column \(column): \(error.reason)")
                continue
            }
            guard case let .object(object) = value else {
                try context.problem(.notAnObject, line: line.number, "a JSON value that is not an object")
                continue
            }
            if !formNoted {
                formNoted = true
                if object["authors_parsed"] != nil || object["update_date"] != nil {
                    context.summary.notes.append("arXiv snapshot")
                } else if object["_id"] != nil && object["text"] != nil {
                    context.summary.notes.append("BEIR")
                }
            }
            let reading: PaperRecord.Reading
            do {
                reading = try PaperRecord.read(object, location: SourceLocation(file: context.path, line: line.number))
            } catch {
                switch error {
                case .noTitleOrAbstract:
                    try context.problem(.noTitleOrAbstract, line: line.number, "the record has neither a title nor an abstract")
                case let .badID(reason):
                    try context.problem(.badID, line: line.number, reason)
                }
                continue
            }
            if let year = reading.droppedYear {
                try context.problem(.yearOutOfRange, line: line.number,
                                    "\(year) is not a year from \(Paper.yearRange.lowerBound) to \(Paper.yearRange.upperBound); the paper is kept without one")
            }
            context.summary.papers += 1
            try emit(reading.paper, context.hashing ? SourceIDs.hash(line: line.bytes, number: line.number) : 0)
            if let progress = context.progress, line.number & 1023 == 0 { progress(stream.fileBytesRead) }
        }
    }

    /// Profile pages are small: they are read whole (up to `maximumPageLength`).
    private func readProfilePage(
        stream: FileStream, head: [UInt8], context: inout FileContext, emit: (Paper, UInt64) throws -> Void
    ) throws {
        var bytes = head
        let limit = CorpusReader.maximumPageLength
        while bytes.count <= limit, try stream.read(appendingTo: &bytes, maxCount: 1 << 20) > 0 {}
        guard bytes.count <= limit else {
            try context.problem(.unknownFormat, "not JSON Lines, and too large for a profile page")
            return
        }
        let text: String
        if let valid = String(validating: bytes, as: UTF8.self) {
            text = valid
        } else {
            // Report each damaged line, then read the rest with the damage replaced.
            for line in FileSniffing.linesWithInvalidUTF8(bytes) {
                try context.problem(.invalidUTF8, line: line, "the line is not valid UTF-8; damaged bytes replaced")
            }
            text = String(decoding: bytes, as: UTF8.self)
        }
        let papers = ProfilePageReader.papers(inPage: text, file: context.path)
        guard !papers.isEmpty else {
            try context.problem(.unknownFormat, "neither JSON Lines nor a profile page with papers")
            return
        }
        context.summary.format = .profilePage
        for paper in papers {
            context.summary.papers += 1
            try emit(paper, context.hashing ? SourceIDs.hash(paper) : 0)
        }
    }
}

/// One input of a corpus, as resolved: a path to open afresh for each pass (a regular file), or an input
/// opened once and spooled (anything else).
struct CorpusInput: Sendable {
    let path: String
    /// The bytes of the file, when known (for progress).
    let size: Int
    /// Set for inputs that are not regular files.
    let opened: InputFile?

    /// A new pass over the input.
    func open() throws(StorageError) -> FileStream {
        if let opened { return try FileStream.open(opened) }
        return try FileStream.open(path: path)
    }
}

/// The resolved inputs of a reader, shared by its copies and its passes.
private final class ResolvedInputs: Sendable {
    private struct Resolution {
        var paths: [String]
        var files: [CorpusInput]
        var problems: [CorpusProblem]
    }
    private let state = Mutex<Resolution?>(nil)

    /// The inputs of `paths` and the problems met finding them (resolved on the first call for these paths).
    func resolve(_ paths: [String]) throws -> ([CorpusInput], [CorpusProblem]) {
        if let known = state.withLock({ $0 }), known.paths == paths { return (known.files, known.problems) }
        var resolver = InputResolver()
        // "-" is standard input, as for most tools.
        for path in paths { resolver.collect(path == "-" ? "/dev/stdin" : path, explicit: true) }
        let resolution = Resolution(paths: paths, files: resolver.files, problems: resolver.problems)
        state.withLock { $0 = resolution }
        return (resolution.files, resolution.problems)
    }
}

/// Walks the given paths into the list of inputs.
private struct InputResolver {
    var files: [CorpusInput] = []
    var problems: [CorpusProblem] = []
    /// Files already listed, by identity, with the path they were listed under.
    private var seen: [SystemCalls.FileIdentity: String] = [:]
    /// Directories being walked, against symbolic-link loops.
    private var walking = Set<SystemCalls.FileIdentity>()

    mutating func collect(_ path: String, explicit: Bool) {
        let status: SystemCalls.FileStatus
        do { status = try SystemCalls.status(path) } catch {
            problems.append(CorpusProblem(kind: .unreadable, file: path, detail: error.reason))
            return
        }
        if status.isDirectory {
            guard walking.insert(status.identity).inserted else { return }
            defer { walking.remove(status.identity) }
            let names: [String]
            do { names = try SystemCalls.directoryEntries(path) } catch {
                problems.append(CorpusProblem(kind: .unreadable, file: path, detail: error.reason))
                return
            }
            for name in names where !name.hasPrefix(".") {
                collect(path.hasSuffix("/") ? path + name : path + "/" + name, explicit: false)
            }
            return
        }
        guard explicit || looksLikeCorpusFile(path) else { return }
        if !status.isRegularFile && !explicit {
            problems.append(CorpusProblem(kind: .notARegularFile, file: path,
                                          detail: "inside a folder only regular files are read; name it on its own to read it"))
            return
        }
        if let earlier = seen[status.identity] {
            problems.append(CorpusProblem(kind: .givenTwice, file: path, detail: "the same file as \(earlier); read once"))
            return
        }
        seen[status.identity] = path
        if status.isRegularFile {
            files.append(CorpusInput(path: path, size: status.size, opened: nil))
        } else {
            do { files.append(CorpusInput(path: path, size: 0, opened: try InputFile(path: path))) } catch {
                problems.append(CorpusProblem(kind: .unreadable, file: path, detail: error.reason))
            }
        }
    }

    private func looksLikeCorpusFile(_ path: String) -> Bool {
        let name = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
        return CorpusReader.corpusExtensions.contains { name.hasSuffix($0) }
    }
}

/// Small byte-level helpers for format sniffing and messages.
enum FileSniffing {
    /// How much of a file decides its format.
    static let headLength = 1 << 16
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    enum Kind: Equatable {
        case empty, jsonLines, jsonArray, text
        case binary(String)
    }

    /// What the head of a file (byte-order mark removed) says it is: binary when it holds a NUL byte or
    /// more than 1% of other control characters or of bytes that are not UTF-8; JSON Lines when any of its
    /// first 20 non-blank lines starts with `{` (so a damaged first line does not hide the rest); a JSON
    /// array when it starts with `[`; else text (a profile page, if the page reader finds papers).
    static func classify(_ head: [UInt8]) -> Kind {
        guard let first = head.firstIndex(where: { !isSpace($0) }) else { return .empty }
        if head.contains(0) { return .binary("it holds NUL bytes") }
        let controls = head.reduce(0) { $0 + (($1 < 0x20 && !isSpace($1) && $1 != 0x0C) || $1 == 0x7F ? 1 : 0) }
        if controls * 100 > head.count { return .binary("it holds control characters") }
        if invalidUTF8Bytes(head) * 100 > head.count { return .binary("it is not UTF-8 text") }
        var linesSeen = 0
        for line in head[first...].split(separator: 0x0A) {
            guard let start = line.firstIndex(where: { !isSpace($0) }) else { continue }
            if line[start] == UInt8(ascii: "{") { return .jsonLines }
            linesSeen += 1
            if linesSeen == 20 { break }
        }
        return head[first] == UInt8(ascii: "[") ? .jsonArray : .text
    }

    /// Bytes that do not belong to a valid UTF-8 sequence (a sequence cut by the end of `bytes` counts as valid).
    static func invalidUTF8Bytes(_ bytes: [UInt8]) -> Int {
        var invalid = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >= 0xC2 && byte <= 0xDF ? 2 : byte >= 0xE0 && byte <= 0xEF ? 3 : byte >= 0xF0 && byte <= 0xF4 ? 4 : 0
            guard length > 0 else { invalid += 1; index += 1; continue }
            var valid = 1
            while valid < length, index + valid < bytes.count, bytes[index + valid] & 0xC0 == 0x80 { valid += 1 }
            if valid < length && index + valid < bytes.count {
                invalid += valid
                index += valid
            } else {
                index += length
            }
        }
        return invalid
    }

    /// The 1-based column (in characters) of a byte offset within a line.
    static func column(ofByte offset: Int, in line: ArraySlice<UInt8>) -> Int {
        var column = 1
        for byte in line.prefix(offset) where byte & 0xC0 != 0x80 { column += 1 }
        return column
    }

    /// 1-based numbers of the lines that are not valid UTF-8.
    static func linesWithInvalidUTF8(_ bytes: [UInt8]) -> [Int] {
        var result: [Int] = []
        for (index, line) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
        where String(validating: line, as: UTF8.self) == nil {
            result.append(index + 1)
        }
        return result
    }
}

