/// Why an index could not be built, opened or read. Every case names the file concerned.
public enum IndexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed.
    case io(StorageError)
    /// There is no index at this path.
    case notFound(path: String)
    /// A file is shorter than its structure says.
    case truncated(file: String, length: Int, needed: Int)
    /// A file's structure is damaged.
    case corrupt(file: String, reason: String)
    /// A file's bytes do not match their checksum.
    case checksumMismatch(file: String, expected: UInt32, actual: UInt32)
    /// The file was written by an older PaperSearch whose format this one no longer reads.
    case formatTooOld(file: String, found: UInt32, supported: ClosedRange<UInt32>)
    /// The file was written by a newer PaperSearch.
    case formatTooNew(file: String, found: UInt32, supported: ClosedRange<UInt32>)
    /// A file belongs to another build than the manifest (files mixed from two builds).
    case indexMismatch(file: String)
    /// The index was built with another analyzer than this PaperSearch provides.
    case analyzerMismatch(found: String, expected: String)
    /// Another `papers index` holds the index's lock.
    case locked(path: String)
    /// The folder is not an index, and not empty: a build will not write into it.
    case notAnIndexFolder(path: String, reason: String)
    /// Reading the corpus failed (strict mode, or nothing readable).
    case corpus(CorpusError)
    /// The memory budget is too small to index even one paper at a time.
    case budgetTooSmall(bytes: Int)

    public var description: String {
        switch self {
        case let .io(error): return error.description
        case let .notFound(path): return "no index at \(path) (build one with 'papers index')"
        case let .truncated(file, length, needed):
            return "\(file): truncated: the file has \(length) bytes, its structure needs \(needed) (rebuild the index)"
        case let .corrupt(file, reason): return "\(file): damaged: \(reason) (rebuild the index)"
        case let .checksumMismatch(file, expected, actual):
            return "\(file): checksum mismatch: expected \(hex(expected)), actual \(hex(actual)) (the file is damaged; rebuild the index)"
        case let .formatTooOld(file, found, supported):
            return "\(file): format version \(found) is too old; this PaperSearch reads versions \(supported.lowerBound)...\(supported.upperBound) (rebuild the index)"
        case let .formatTooNew(file, found, supported):
            return "\(file): format version \(found) is newer than this PaperSearch reads (\(supported.lowerBound)...\(supported.upperBound)); update PaperSearch or rebuild"
        case let .indexMismatch(file): return "\(file): belongs to another build of the index (rebuild the index)"
        case let .analyzerMismatch(found, expected):
            return "the index was built with analyzer \(found), this PaperSearch analyses with \(expected) (rebuild the index)"
        case let .locked(path): return "\(path): another 'papers index' is building this index"
        case let .notAnIndexFolder(path, reason): return "\(path) is not a PaperSearch index: \(reason); nothing was changed"
        case let .corpus(error): return error.description
        case let .budgetTooSmall(bytes): return "a memory budget of \(bytes >> 20) MiB is too small (use at least 16 MiB)"
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
