/// A source ids file, `src-N-k.psi`: the papers one corpus file gave when it was last read — each record's id
/// and a 64-bit hash of the record as read (a JSON Lines record: its line's bytes and number; a paper of a
/// profile page: the paper as `Paper.writeRecord` writes it) — so that a sync can tell which papers a changed
/// file changed without reading the index. Header and footer as every
/// index file (`FileEnvelope`; codec "PaperSearch.SourceIDs", a random build id); the body, little-endian:
///
///     Count u64
///     Hashes Count × u64       each record's hash
///     IDEnds Count × u32       where each id ends in IDBytes
///     IDBytes                  the ids, ascending by their bytes (a file's records of one id in file order),
///                              zero-padded to 8
///
/// The whole file is checked against its checksum when it is read.
enum SourceIDs {
    static let codec = "PaperSearch.SourceIDs"

    /// One record of a corpus file.
    struct Entry: Equatable, Sendable {
        var id: [UInt8]
        var hash: UInt64
    }

    /// The hash of a paper of a profile page (the record it gives, its source line included).
    static func hash(_ paper: Paper) -> UInt64 {
        var writer = JSONWriter()
        paper.writeRecord(into: &writer)
        return StableHash.words64(writer.bytes, seed: 0)
    }

    /// The hash of a JSON Lines record: its bytes and its line number (a paper's sources name the line).
    static func hash(line: ArraySlice<UInt8>, number: Int) -> UInt64 {
        StableHash.words64(line, seed: UInt64(truncatingIfNeeded: number))
    }

    /// Sorts entries as the file keeps them: by id, a file's records of one id in file order.
    static func sorted(_ entries: [Entry]) -> [Entry] {
        entries.enumerated().sorted { a, b in
            a.element.id == b.element.id ? a.offset < b.offset : a.element.id.lexicographicallyPrecedes(b.element.id)
        }.map(\.element)
    }

    /// Writes sorted entries and syncs the file; returns its length.
    static func write(_ entries: [Entry], to path: String) throws(IndexError) -> Int {
        let output: FileOutput
        do { output = try FileOutput(path: path) } catch { throw .io(error) }
        try FileEnvelope.writeHeader(output, codec: codec, buildID: BuildID.random())
        do {
            try output.writeUInt64(UInt64(entries.count))
            for entry in entries { try output.writeUInt64(entry.hash) }
            var end = 0
            for entry in entries {
                end += entry.id.count
                try output.writeUInt32(UInt32(truncatingIfNeeded: end))
            }
            for entry in entries { try output.write(entry.id) }
            try output.pad(to: 8)
        } catch { throw .io(error) }
        return try FileEnvelope.writeFooterAndFinish(output).length
    }

    /// Reads a file written by `write`, checking its checksum and structure.
    static func read(_ path: String) throws(IndexError) -> [Entry] {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch { throw .io(error) }
        func corrupt(_ reason: String) -> IndexError { .corrupt(file: path, reason: reason) }
        let body = try FileEnvelope.check(file, codec: codec, buildID: nil)
        try FileEnvelope.verifyChecksum(file)
        guard body.count >= 8 else { throw corrupt("truncated") }
        let count = Int(truncatingIfNeeded: file.uint64(at: body.lowerBound))
        let hashes = body.lowerBound + 8
        let ends = hashes + 8 * count
        let bytes = ends + 4 * count
        guard count >= 0, count <= body.count / 12, bytes <= body.upperBound else { throw corrupt("the ids do not fit") }
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        var start = 0
        for index in 0..<count {
            let end = Int(file.uint32(at: ends + 4 * index))
            guard end >= start, bytes + end <= body.upperBound else { throw corrupt("the ids do not fit") }
            let entry = Entry(id: file.bytes(bytes + start, end - start), hash: file.uint64(at: hashes + 8 * index))
            if let previous = entries.last, entry.id.lexicographicallyPrecedes(previous.id) { throw corrupt("ids out of order") }
            entries.append(entry)
            start = end
        }
        return entries
    }
}
