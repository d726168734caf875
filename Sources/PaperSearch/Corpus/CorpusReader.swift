/// Reads papers from files and directories in any supported format, merging duplicates.
///
/// Directories are walked recursively in byte order of their names; inside them only files that look like
/// corpus files are read (`.txt`, `.jsonl`, `.ndjson`, `.json`, and these with `.gz`), so a README beside the
/// data is not an error. A file named explicitly is always read.
///
/// **Duplicates.** Papers with the same id (given, or derived from the title) are one paper: the first record
/// is kept and the later ones are merged into it (`Paper.merge`), so it lists every place it was found.
/// Memory stays flat on multi-gigabyte input because `read` takes two passes: the first reads everything,
/// remembering a 64-bit fingerprint of each id and keeping only the records of later duplicates; the second
/// reads again and hands each paper over once, at its first appearance, with its duplicates merged in.
/// Most corpora repeat no id, so `readOnce` reads in one pass and gives up at the first repeated id; callers
/// then start again with `read` (`readEach` and the index builder do), and get the same papers either way.
public struct CorpusReader: Sendable {
    public var paths: [String]
    /// Stop at the first problem instead of skipping it.
    public var strict: Bool

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
        var report = CorpusReport()
        let files = try inputFiles(report: &report)
        let sizes = files.map { (try? SystemCalls.status($0).size) ?? 0 }
        let totalBytes = Double(max(1, sizes.reduce(0, +)))
        var bytesBefore = 0
        var seen = Set<UInt64>()
        var uniquePapers = 0
        for (file, size) in zip(files, sizes) {
            var summary = CorpusReport.FileSummary(path: file, format: nil, notes: [], papers: 0, skipped: 0)
            let fileProgress = progress.map { share in
                { (bytes: Int) in share(Double(bytesBefore + min(bytes, size)) / totalBytes) }
            }
            try readFile(file, summary: &summary, report: &report, progress: fileProgress) { paper in
                guard seen.insert(StableHash.fnv1a64(paper.id.utf8)).inserted else { throw RepeatedID(id: paper.id) }
                uniquePapers += 1
                try body(paper)
            }
            report.files.append(summary)
            bytesBefore += size
        }
        report.uniquePapers = uniquePapers
        return report
    }

    /// Calls `body` once for every paper, in order of first appearance, and reports what was found.
    /// `planned` learns, after the first pass, how many papers the second will hand over.
    /// Throws `CorpusError.strict` in strict mode, or whatever `body` throws.
    public func read(planned: ((Int) -> Void)? = nil, _ body: (Paper) throws -> Void) throws -> CorpusReport {
        var report = CorpusReport()
        let files = try inputFiles(report: &report)

        // Pass 1: find duplicates, validate, count.
        var seen = Set<UInt64>()
        var laterRecords: [UInt64: [Paper]] = [:]
        var ordinal = 0
        for file in files {
            var summary = CorpusReport.FileSummary(path: file, format: nil, notes: [], papers: 0, skipped: 0)
            try readFile(file, summary: &summary, report: &report) { paper in
                let fingerprint = StableHash.fnv1a64(paper.id.utf8)
                if !seen.insert(fingerprint).inserted { laterRecords[fingerprint, default: []].append(paper) }
                ordinal += 1
            }
            report.files.append(summary)
        }

        planned?(ordinal - laterRecords.values.reduce(0) { $0 + $1.count })

        // Pass 2: hand each paper over once, merged with its later records.
        var emittedDuplicateIDs = Set<String>()
        var scratch = CorpusReport()
        for file in files {
            var summary = CorpusReport.FileSummary(path: file, format: nil, notes: [], papers: 0, skipped: 0)
            try readFile(file, summary: &summary, report: &scratch) { paper in
                let fingerprint = StableHash.fnv1a64(paper.id.utf8)
                guard let later = laterRecords[fingerprint] else {
                    report.uniquePapers += 1
                    try body(paper)
                    return
                }
                if emittedDuplicateIDs.contains(paper.id) {
                    return  // a later record, already merged into the first
                }
                emittedDuplicateIDs.insert(paper.id)
                var merged = paper
                var first = true
                for record in later where record.id == paper.id {
                    // The first record of this id is also among `later` only if it collided with another id.
                    if first && record == paper { first = false; continue }
                    merged.merge(record)
                    report.duplicatesMerged += 1
                }
                report.uniquePapers += 1
                try body(merged)
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

    /// Reads every paper once and returns them all (for small corpora and tests).
    public func readAll() throws -> (papers: [Paper], report: CorpusReport) {
        var papers: [Paper] = []
        let report = try readEach(restart: { papers.removeAll() }) { papers.append($0) }
        return (papers, report)
    }

    // MARK: - Files

    private func inputFiles(report: inout CorpusReport) throws(CorpusError) -> [String] {
        var files: [String] = []
        for path in paths {
            try collect(path, explicit: true, into: &files, report: &report)
        }
        return files
    }

    private func collect(_ path: String, explicit: Bool, into files: inout [String], report: inout CorpusReport)
        throws(CorpusError)
    {
        let status: SystemCalls.FileStatus
        do { status = try SystemCalls.status(path) } catch {
            try record(CorpusProblem(kind: .unreadable, file: path, detail: error.reason), in: &report)
            return
        }
        if status.isDirectory {
            let names: [String]
            do { names = try SystemCalls.directoryEntries(path) } catch {
                try record(CorpusProblem(kind: .unreadable, file: path, detail: error.reason), in: &report)
                return
            }
            for name in names where !name.hasPrefix(".") {
                try collect(path.hasSuffix("/") ? path + name : path + "/" + name, explicit: false, into: &files,
                            report: &report)
            }
        } else if explicit || looksLikeCorpusFile(path) {
            files.append(path)
        }
    }

    private func looksLikeCorpusFile(_ path: String) -> Bool {
        let name = path.hasSuffix(".gz") ? String(path.dropLast(3)) : path
        return CorpusReader.corpusExtensions.contains { name.hasSuffix($0) }
    }

    private func record(_ problem: CorpusProblem, in report: inout CorpusReport) throws(CorpusError) {
        if strict { throw .strict(problem) }
        report.skipped[problem.kind, default: 0] += 1
        if report.problems.count < CorpusReport.problemLimit { report.problems.append(problem) }
    }

    /// The state of reading one file: its summary, and the report its problems go to.
    private struct FileContext {
        let reader: CorpusReader
        let path: String
        var summary: CorpusReport.FileSummary
        var report: CorpusReport
        /// Learns now and then how many bytes of the file were read.
        var progress: ((Int) -> Void)?

        mutating func problem(_ kind: CorpusProblem.Kind, line: Int? = nil, _ detail: String) throws(CorpusError) {
            summary.skipped += 1
            try reader.record(CorpusProblem(kind: kind, file: path, line: line, detail: detail), in: &report)
        }
    }

    /// Reads one file, calling `emit` for each paper and recording problems.
    private func readFile(
        _ path: String, summary: inout CorpusReport.FileSummary, report: inout CorpusReport,
        progress: ((Int) -> Void)? = nil, emit: (Paper) throws -> Void
    ) throws {
        var context = FileContext(reader: self, path: path, summary: summary, report: report, progress: progress)
        defer {
            summary = context.summary
            report = context.report
        }
        do {
            let stream = try FileStream.open(path: path)
            if stream.isCompressed { context.summary.notes.append("gzip") }
            // Sniff: the first byte that is not white space (or a byte-order mark) decides the format.
            var head: [UInt8] = []
            var firstByte: UInt8?
            while firstByte == nil {
                let before = head.count
                if try stream.read(appendingTo: &head, maxCount: 1 << 16) == 0 { break }
                firstByte = head[before...].first { !(FileSniffing.isSpaceOrBOM($0)) }
            }
            guard let firstByte else {
                try context.problem(.emptyFile, head.isEmpty ? "the file is empty" : "the file holds only white space")
                return
            }
            if firstByte == UInt8(ascii: "{") {
                context.summary.format = .jsonLines
                try readJSONLines(stream: stream, head: head, context: &context, emit: emit)
            } else if firstByte == UInt8(ascii: "[") {
                try context.problem(.unknownFormat, "a JSON array; PaperSearch reads JSON Lines (one object a line)")
            } else {
                try readProfilePage(stream: stream, head: head, context: &context, emit: emit)
            }
        } catch let error as StorageError {
            try context.problem(.unreadable, error.reason)
        }
    }

    private func readJSONLines(
        stream: FileStream, head: [UInt8], context: inout FileContext, emit: (Paper) throws -> Void
    ) throws {
        var lines = LineReader(source: stream, initialBytes: head)
        var formNoted = false
        while let line = try lines.next() {
            if line.isTruncated {
                try context.problem(.lineTooLong, line: line.number, "longer than \(lines.maximumLineLength >> 20) MiB")
                continue
            }
            if line.bytes.allSatisfy(FileSniffing.isSpaceOrBOM) { continue }
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
            let paper: Paper
            do {
                paper = try PaperRecord.paper(from: object, location: SourceLocation(file: context.path, line: line.number))
            } catch {
                try context.problem(.noTitleOrAbstract, line: line.number, "the record has neither a title nor an abstract")
                continue
            }
            context.summary.papers += 1
            try emit(paper)
            if let progress = context.progress, line.number & 1023 == 0 { progress(stream.fileBytesRead) }
        }
    }

    /// Profile pages are small: they are read whole (up to 64 MiB).
    private func readProfilePage(
        stream: FileStream, head: [UInt8], context: inout FileContext, emit: (Paper) throws -> Void
    ) throws {
        var bytes = head
        let limit = 64 << 20
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
            try emit(paper)
        }
    }
}

/// Small byte-level helpers for format sniffing and messages.
enum FileSniffing {
    static func isSpaceOrBOM(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == 0xEF || byte == 0xBB || byte == 0xBF
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

extension StorageError {
    /// The message without the path (callers print the path themselves).
    var reason: String {
        switch self {
        case let .io(operation, _, errno): return "cannot \(operation): \(errno)"
        case let .badCompressedData(_, reason): return "damaged compressed data: \(reason)"
        case let .tooLarge(_, limit): return "larger than \(StorageError.size(limit)), the most that is read of it"
        }
    }
}
