/// Something in the input that could not be read as it stands: reported with its file and line, counted, and
/// either skipped (a record or a file) or kept with a change that is said (`Kind.keepsTheRecord`). With
/// `strict`, the first problem of either sort is fatal.
public struct CorpusProblem: Sendable, Equatable, CustomStringConvertible {
    /// What is wrong; the raw value is the reason as reports print it.
    public enum Kind: String, Sendable, CaseIterable, Comparable {
        case malformedJSON = "malformed JSON"
        case notAnObject = "not a JSON object"
        case noTitleOrAbstract = "no title or abstract"
        case badID = "bad id"
        case invalidUTF8 = "invalid UTF-8"
        case lineTooLong = "line too long"
        case emptyFile = "empty file"
        case binaryFile = "binary file"
        case unknownFormat = "unknown format"
        case notARegularFile = "not a regular file"
        case unreadable = "unreadable"
        /// Kept without its year.
        case yearOutOfRange = "year out of range"
        /// Read once.
        case givenTwice = "given twice"

        /// Whether the record (or file) is still read, with the change the problem's detail says.
        public var keepsTheRecord: Bool { self == .yearOutOfRange || self == .givenTwice }

        public static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var kind: Kind
    /// The file (or directory) concerned.
    public var file: String
    /// The 1-based line, for problems with one record.
    public var line: Int?
    /// What exactly is wrong, e.g. "column 57: unexpected '}', expected a value".
    public var detail: String

    public init(kind: Kind, file: String, line: Int? = nil, detail: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.detail = detail
    }

    /// `file:line: reason: detail`, the form compilers use, so editors can jump to it.
    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return detail.isEmpty ? "\(place): \(kind.rawValue)" : "\(place): \(kind.rawValue): \(detail)"
    }
}

/// Why reading a corpus stopped.
public enum CorpusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// In strict mode, the first problem found.
    case strict(CorpusProblem)
    /// Nothing could be read, and problems were found: the first few, and how many there were.
    case nothingReadable(first: [CorpusProblem], count: Int)

    public var description: String {
        switch self {
        case let .strict(problem): return "\(problem) (stopped: strict mode)"
        case let .nothingReadable(first, count):
            var text = "no papers could be read"
            if !first.isEmpty { text += ": " + first.map(\.description).joined(separator: "; ") }
            if count > first.count { text += " (and \(count - first.count) more problem\(count - first.count == 1 ? "" : "s"))" }
            return text + "; nothing was changed"
        }
    }

    /// The error for a read that found no paper, from its report.
    static func nothingReadable(_ report: CorpusReport) -> CorpusError {
        .nothingReadable(first: Array(report.problems.prefix(3)), count: report.totalSkipped)
    }
}

/// The input formats PaperSearch recognises, from a file's content (gzip is undone first).
public enum CorpusFormat: String, Sendable, Equatable {
    /// One JSON object a line: our own records, BEIR `corpus.jsonl`, the arXiv metadata snapshot.
    case jsonLines = "JSON Lines"
    /// A researcher profile page, as in the bundled corpus.
    case profilePage = "profile page"
}

/// What reading a corpus found: per file, in total, and what was skipped and why.
public struct CorpusReport: Sendable {
    /// One input file.
    public struct FileSummary: Sendable, Equatable {
        public var path: String
        public var format: CorpusFormat?
        /// "BEIR", "arXiv snapshot", "gzip" and the like, where they apply.
        public var notes: [String]
        /// Papers read from this file (before duplicates across files are merged).
        public var papers: Int
        /// Lines of this file skipped, and whole-file problems.
        public var skipped: Int
        /// Records of this file read with a change (a year out of range, say).
        public var kept: Int = 0
    }

    public var files: [FileSummary] = []
    /// Papers after duplicates were merged.
    public var uniquePapers = 0
    /// Records folded into an earlier record of the same paper.
    public var duplicatesMerged = 0
    /// Counts of skipped lines and files by reason.
    public var skipped: [CorpusProblem.Kind: Int] = [:]
    /// Counts of records and files read with a change (`Kind.keepsTheRecord`), by reason.
    public var kept: [CorpusProblem.Kind: Int] = [:]
    /// The problems in input order, of both sorts (the first `problemLimit` of them).
    public var problems: [CorpusProblem] = []
    /// How many problems `problems` keeps; the counts in `skipped` are always complete.
    public static let problemLimit = 1000

    /// Papers read before merging: the sum over files.
    public var papersRead: Int { files.reduce(0) { $0 + $1.papers } }
    public var totalSkipped: Int { skipped.values.reduce(0, +) }
    public var totalKept: Int { kept.values.reduce(0, +) }
    /// Problems of both sorts.
    public var totalProblems: Int { totalSkipped + totalKept }
}
