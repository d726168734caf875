/// The later records of repeated ids, kept on disk during a two-pass corpus read (`CorpusReader.read`).
///
/// Each record is written as its JSON (`Paper.writeRecord`, sources included) to an anonymous temporary file
/// (unlinked at creation, so nothing is left behind even after a crash); memory holds only where each record
/// lies, by id fingerprint: 16 bytes a record, whatever the records hold and however often an id repeats.
final class DuplicateRecords {
    /// An id and its fingerprint: which papers were handed over already (a 64-bit fingerprint alone could
    /// stand for two ids).
    struct Key: Hashable {
        let fingerprint: UInt64
        let id: String
        init(_ id: String, _ fingerprint: UInt64) {
            self.id = id
            self.fingerprint = fingerprint
        }
    }

    private static let name = "the temporary file of repeated records"
    private var file: CInt = -1
    private var length = 0
    /// Offsets and lengths in the file, two numbers a record, by fingerprint.
    private var locations: [UInt64: [Int]] = [:]
    /// The number of records stored.
    private(set) var count = 0

    deinit { if file >= 0 { SystemCalls.close(file) } }

    func contains(_ fingerprint: UInt64) -> Bool { locations[fingerprint] != nil }

    /// Stores a later record of the id whose fingerprint is `fingerprint`.
    func add(_ paper: Paper, fingerprint: UInt64) throws(StorageError) {
        if file < 0 { file = try SystemCalls.anonymousTemporaryFile() }
        var writer = JSONWriter()
        paper.writeRecord(into: &writer)
        let bytes = writer.bytes
        let (descriptor, offset) = (file, length)
        var failure: StorageError?
        unsafe bytes.withUnsafeBytes { raw in
            do throws(StorageError) {
                try unsafe SystemCalls.write(descriptor, at: offset, raw, path: DuplicateRecords.name)
            } catch { failure = error }
        }
        if let failure { throw failure }
        locations[fingerprint, default: []] += [length, bytes.count]
        length += bytes.count
        count += 1
    }

    /// Reads back, in the order they were stored, the records stored for `fingerprint`.
    func forEachRecord(of fingerprint: UInt64, _ body: (Paper) throws -> Void) throws {
        guard let stored = locations[fingerprint] else { return }
        var buffer: [UInt8] = []
        for index in stride(from: 0, to: stored.count, by: 2) {
            let (offset, size) = (stored[index], stored[index + 1])
            buffer = [UInt8](repeating: 0, count: size)
            let descriptor = file
            var outcome: Result<Int, StorageError> = .success(0)
            unsafe buffer.withUnsafeMutableBytes { raw in
                outcome = Result { () throws(StorageError) in try unsafe SystemCalls.read(descriptor, at: offset, into: raw, path: DuplicateRecords.name) }
            }
            guard try outcome.get() == size, case let .object(object) = try JSONParser.parse(buffer) else {
                throw StorageError.badCompressedData(path: DuplicateRecords.name, reason: "a record did not read back")
            }
            try body(try PaperRecord.paper(from: object, location: SourceLocation(file: "", line: 0)))
        }
    }
}
