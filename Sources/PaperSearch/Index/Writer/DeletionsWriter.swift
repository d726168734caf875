/// A deletion file, `seg-N-del-M.psx`: which papers of segment N are deleted as of write M, and what they
/// held. Header and footer as every index file (`FileEnvelope`; codec "PaperSearch.Deletions", the build id of
/// the segment, so that the file cannot be read against another one); the body, little-endian:
///
///     DocumentCount u64                 the segment's papers
///     DeletedCount u64
///     TitleLengthTotal u64              the deleted papers' field lengths, summed
///     AbstractLengthTotal u64
///     Bits ⌈DocumentCount / 64⌉ × u64   bit d of word d / 64 set: document d is deleted
///     TermCount u64
///     TermEnds TermCount × u32          where each term ends in TermBytes
///     Holders TermCount × u32           how many deleted papers hold the term (1...DeletedCount)
///     TermBytes                         the terms (namespace byte first), strictly ascending, zero-padded to 8
///
/// Every term any deleted paper holds is listed, so that a term's document frequency over the live papers
/// is the segment's minus its holders here. The commit records the file's length and checksum; the reader
/// (`Deletions`) checks the whole file when it opens it. A file is never changed: more deletions in the
/// segment make a new file, which carries the old one's content over.
enum DeletionsFile {
    static let codec = "PaperSearch.Deletions"
}

/// The deletions of one segment as a writer extends them: the bits, the deleted papers' lengths, and how
/// many deleted papers hold each term — learnt by analysing each newly deleted paper's stored record again
/// (the index has no per-paper term lists; the analyzer gives the terms it gave when the paper was added,
/// which the record's field lengths are checked against).
struct DeletionsBuilder {
    let segment: Segment
    private(set) var bits: [UInt64]
    private(set) var count: Int
    private var titleLengthTotal: Int
    private var abstractLengthTotal: Int
    private var holders: [[UInt8]: Int] = [:]
    private var analyzer: PaperAnalyzer
    private var analyzed = AnalyzedPaper()
    /// Whether any paper was deleted since the existing deletions.
    private(set) var changed = false

    init(segment: Segment, existing: Deletions) {
        self.segment = segment
        bits = existing.bits.isEmpty ? [UInt64](repeating: 0, count: (segment.documentCount + 63) / 64) : existing.bits
        count = existing.count
        titleLengthTotal = existing.titleLengthTotal
        abstractLengthTotal = existing.abstractLengthTotal
        analyzer = PaperAnalyzer(analyzer: segment.analyzer)
        var holders: [[UInt8]: Int] = [:]
        existing.forEachTerm { holders[$0] = $1 }
        self.holders = holders
    }

    func contains(_ document: UInt32) -> Bool {
        let word = Int(document >> 6)
        return word < bits.count && (bits[word] >> UInt64(document & 63)) & 1 != 0
    }

    /// Deletes a document of the segment (nothing if it is deleted already).
    mutating func delete(_ document: UInt32) throws(IndexError) {
        guard Int(document) < segment.documentCount else {
            throw .corrupt(file: segment.folder, reason: "no document \(document) to delete")
        }
        guard !contains(document) else { return }
        let paper = try segment.documents.paper(Int(document))
        analyzer.analyze(paper, into: &analyzed)
        let lengths = segment.norms.lengths(document)
        guard analyzed.titleLength == lengths.title, analyzed.abstractLength == lengths.abstract else {
            throw .corrupt(file: segment.documents.file.path,
                           reason: "the stored record of document \(document) does not analyse to the paper that was indexed")
        }
        bits[Int(document >> 6)] |= 1 << UInt64(document & 63)
        count += 1
        changed = true
        titleLengthTotal += Int(lengths.title)
        abstractLengthTotal += Int(lengths.abstract)
        var start = 0
        for end in analyzed.termEnds {
            holders[Array(analyzed.termBytes[start..<Int(end)]), default: 0] += 1
            start = Int(end)
        }
    }

    /// Writes the deletion file and syncs it; returns the commit's entry for it.
    func write(to path: String, name: String) throws(IndexError) -> Commit.DeletionsEntry {
        let output: FileOutput
        do { output = try FileOutput(path: path) } catch { throw .io(error) }
        try FileEnvelope.writeHeader(output, codec: DeletionsFile.codec, buildID: segment.manifest.buildID)
        let terms = holders.keys.sorted { $0.lexicographicallyPrecedes($1) }
        do {
            for value in [segment.documentCount, count, titleLengthTotal, abstractLengthTotal] { try output.writeUInt64(UInt64(value)) }
            for word in bits { try output.writeUInt64(word) }
            try output.writeUInt64(UInt64(terms.count))
            var end = 0
            for term in terms {
                end += term.count
                try output.writeUInt32(UInt32(end))
            }
            for term in terms { try output.writeUInt32(UInt32(holders[term] ?? 0)) }
            for term in terms { try output.write(term) }
            try output.pad(to: 8)
        } catch { throw .io(error) }
        let (length, crc) = try FileEnvelope.writeFooterAndFinish(output)
        return Commit.DeletionsEntry(file: name, count: count, length: length, crc32: crc)
    }
}
