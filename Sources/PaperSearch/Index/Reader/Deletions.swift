/// The papers deleted from one segment as of a commit, and what they held (format: `DeletionsFile`).
///
/// A deleted paper stays in the segment's files until a merge rewrites it; searches pass over it
/// (`contains`), and the commit's statistics subtract what it held: its field lengths and, per term, how many
/// deleted papers hold it (`decrement(of:)`), so that every score is the one a rebuild of the live papers
/// would give.
struct Deletions: Sendable {
    /// How many papers are deleted.
    let count: Int
    /// The deleted papers' field lengths, summed.
    let titleLengthTotal: Int
    let abstractLengthTotal: Int
    /// Bit `d` set: document `d` is deleted. Empty when none is.
    let bits: [UInt64]
    /// The term table in the mapped file (nil when none is deleted).
    private let file: MappedFile?
    private let termCount: Int
    private let endsStart: Int
    private let countsStart: Int
    private let bytesStart: Int

    /// No deletions.
    init() {
        count = 0
        titleLengthTotal = 0
        abstractLengthTotal = 0
        bits = []
        file = nil
        termCount = 0
        endsStart = 0
        countsStart = 0
        bytesStart = 0
    }

    /// Reads and checks a deletion file: its envelope (the segment's build id), its checksum against the
    /// commit's and the whole file's bytes (it is small and read once), and its structure.
    init(path: String, entry: Commit.DeletionsEntry, segment: Segment) throws(IndexError) {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch { throw .io(error) }
        func corrupt(_ reason: String) -> IndexError { .corrupt(file: path, reason: reason) }
        guard file.count == entry.length else {
            if file.count < entry.length { throw .truncated(file: path, length: file.count, needed: entry.length) }
            throw corrupt("\(file.count) bytes, the commit says \(entry.length)")
        }
        let body = try FileEnvelope.check(file, codec: DeletionsFile.codec, buildID: segment.manifest.buildID)
        let stored = FileEnvelope.storedChecksum(file)
        guard stored == entry.crc32 else { throw .checksumMismatch(file: path, expected: entry.crc32, actual: stored) }
        try FileEnvelope.verifyChecksum(file)
        var offset = body.lowerBound
        func next() throws(IndexError) -> Int {
            guard offset + 8 <= body.upperBound else { throw corrupt("the deletions do not fit") }
            defer { offset += 8 }
            let value = file.uint64(at: offset)
            guard value < UInt64(Int.max >> 8) else { throw corrupt("a count out of range") }
            return Int(value)
        }
        guard try next() == segment.documentCount else { throw corrupt("made for a segment of another size") }
        count = try next()
        titleLengthTotal = try next()
        abstractLengthTotal = try next()
        guard count == entry.count, count <= segment.documentCount else { throw corrupt("holds \(count) deletions, the commit says \(entry.count)") }
        let words = (segment.documentCount + 63) / 64
        var bits: [UInt64] = []
        bits.reserveCapacity(words)
        var set = 0
        for _ in 0..<words {
            guard offset + 8 <= body.upperBound else { throw corrupt("the deletions do not fit") }
            let word = file.uint64(at: offset)
            bits.append(word)
            set += word.nonzeroBitCount
            offset += 8
        }
        if segment.documentCount % 64 != 0, let last = bits.last, last >> UInt64(segment.documentCount % 64) != 0 {
            throw corrupt("deletes papers the segment does not have")
        }
        guard set == count else { throw corrupt("marks \(set) papers, the file says \(count)") }
        self.bits = bits
        termCount = try next()
        endsStart = offset
        countsStart = endsStart + 4 * termCount
        bytesStart = countsStart + 4 * termCount
        guard termCount <= body.count / 8, bytesStart <= body.upperBound else { throw corrupt("the term table does not fit") }
        self.file = file
        // Terms strictly ascending and inside the file, counts at most the deletions: checked once here, so
        // that lookups need no checks.
        var previousEnd = 0
        var previous: [UInt8] = []
        for index in 0..<termCount {
            let end = Int(file.uint32(at: endsStart + 4 * index))
            guard end > previousEnd, bytesStart + end <= body.upperBound else { throw corrupt("the term table does not fit") }
            let term = file.bytes(bytesStart + previousEnd, end - previousEnd)
            guard index == 0 || previous.lexicographicallyPrecedes(term) else { throw corrupt("terms out of order") }
            let holders = Int(file.uint32(at: countsStart + 4 * index))
            guard holders >= 1, holders <= count else { throw corrupt("a term count out of range") }
            previous = term
            previousEnd = end
        }
    }

    /// Whether document `document` of the segment is deleted.
    @inline(__always)
    func contains(_ document: UInt32) -> Bool {
        let word = Int(document &>> 6)
        return word < bits.count && (bits[word] &>> UInt64(document & 63)) & 1 != 0
    }

    var isEmpty: Bool { count == 0 }

    /// Whether document `document` of the segment is live (not deleted).
    @inline(__always)
    func isLive(_ document: UInt32) -> Bool { isEmpty || !contains(document) }

    private func term(_ index: Int) -> (start: Int, end: Int) {
        guard let file else { return (0, 0) }
        let start = index == 0 ? 0 : Int(file.uint32(at: endsStart + 4 * (index - 1)))
        return (bytesStart + start, bytesStart + Int(file.uint32(at: endsStart + 4 * index)))
    }

    /// How many deleted papers hold `key` (namespace byte first).
    func decrement(of key: [UInt8]) -> Int {
        guard let file, termCount > 0 else { return 0 }
        var low = 0, high = termCount
        while low < high {
            let middle = (low + high) / 2
            let (start, end) = term(middle)
            let order = file.withBytes(start, end - start) { stored -> Int in
                var index = 0
                while index < stored.count && index < key.count {
                    if stored[index] != key[index] { return stored[index] < key[index] ? -1 : 1 }
                    index += 1
                }
                return stored.count == key.count ? 0 : (stored.count < key.count ? -1 : 1)
            }
            if order == 0 { return Int(file.uint32(at: countsStart + 4 * middle)) }
            if order < 0 { low = middle + 1 } else { high = middle }
        }
        return 0
    }

    /// Every term with its count, in byte order (for carrying the table into the next deletion file).
    func forEachTerm(_ body: ([UInt8], Int) -> Void) {
        guard let file else { return }
        for index in 0..<termCount {
            let (start, end) = term(index)
            body(file.bytes(start, end - start), Int(file.uint32(at: countsStart + 4 * index)))
        }
    }
}
