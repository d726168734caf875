/// The corpus files a build or a sync reads, and the records each gives (`SourceIDs`), for the commit to
/// record (`Commit.Sources`): what a later sync compares the files on disk with.
///
/// Memory: an id and 8 bytes a record, until the commit writes the ids files.
final class SourceLedger {
    private let paths: [String]
    private var entries: [[SourceIDs.Entry]]

    /// `paths`: the inputs as read, in reading order (`CorpusReader.resolvedInputs()`).
    init(paths: [String]) {
        self.paths = paths
        entries = Array(repeating: [], count: paths.count)
    }

    /// Notes a record of input `number` and its hash (a `CorpusReader` observer).
    func observe(_ number: Int, _ paper: Paper, _ hash: UInt64) {
        guard number < entries.count else { return }
        entries[number].append(SourceIDs.Entry(id: Array(paper.id.utf8), hash: hash))
    }

    /// The records of input `number`, sorted as an ids file keeps them.
    func sortedEntries(_ number: Int) -> [SourceIDs.Entry] { SourceIDs.sorted(entries[number]) }

    /// Each input as a commit records it (its ids file still to be written: `ids` is empty), with its records.
    /// A file's size, time and checksum are taken now, after it was read.
    func recordedFiles() throws(IndexError) -> [(source: Commit.Source, entries: [SourceIDs.Entry])] {
        var result: [(source: Commit.Source, entries: [SourceIDs.Entry])] = []
        for (number, path) in paths.enumerated() {
            result.append((try SourceLedger.describe(path, papers: entries[number].count), sortedEntries(number)))
        }
        return result
    }

    /// A file as a commit records it, without its ids file.
    static func describe(_ path: String, papers: Int) throws(IndexError) -> Commit.Source {
        do {
            let status = try SystemCalls.status(path)
            return Commit.Source(path: path, size: status.size, modified: status.modified,
                                 crc32: try SystemCalls.fileChecksum(path), papers: papers, ids: "")
        } catch { throw .io(error) }
    }
}
