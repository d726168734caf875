/// The in-memory part of indexing: a hash table of terms and, per term, a stream of postings in a
/// `SlicePool`. Documents come in one at a time with increasing numbers, their terms already grouped and
/// their entries encoded by the analysing threads (`AnalyzedPaper`); when memory runs short the writer
/// spills the inverter's content as a sorted run (`RunWriter`) and starts afresh.
///
/// Each term's stream holds, per document: `docNumber - previousDocNumber - 1` (the first relative to -1),
/// the title frequency, the abstract frequency, then the positions as deltas — title positions from 0, the
/// first abstract position from 2^20 (`IndexFormat.abstractPositionBase`) — all LEB128 varints.
///
/// Layout for speed: the hash table keeps, beside each term id, the term's key (`TermKey`), which is the
/// term itself when it fits in 8 bytes (most stemmed words do), so a lookup usually touches one slot and
/// nothing else; and everything the inverter updates per term lives in one `TermState`.
struct Inverter {
    /// A slot: `key` as `TermKey` makes it; `id` is the term id + 1 (0 = empty).
    private struct Slot {
        var key: UInt64 = 0
        var id: UInt32 = 0
    }

    /// What the inverter tracks per term.
    struct TermState {
        var stream: SlicePool.Stream
        var lastDocument: Int32 = -1
        var documentFrequency: UInt32 = 0
    }

    private var slots: [Slot]
    private var termStarts: [Int] = []
    private var termLengths: [Int32] = []
    private(set) var termBytes: [UInt8] = []
    private(set) var states: [TermState] = []
    private(set) var pool: SlicePool

    /// An inverter whose streams may use up to `capacity` bytes.
    init(capacity: Int) throws(IndexError) {
        slots = [Slot](repeating: Slot(), count: 1 << 16)
        pool = try SlicePool(capacity: capacity)
    }

    /// An inverter without a table, only for swapping (see `placeholder`).
    init(empty: Void) {
        slots = []
        pool = SlicePool(empty: ())
    }

    /// An empty inverter used while the real one is lent to a sink (moved out and back with `swap`).
    static var placeholder: Inverter { Inverter(empty: ()) }

    var termCount: Int { termStarts.count }
    var isEmpty: Bool { termStarts.isEmpty }

    /// What the inverter holds, in bytes (what the memory budget counts).
    var memoryUsed: Int {
        pool.bytesUsed + termBytes.capacity + slots.capacity * MemoryLayout<Slot>.stride
            + states.capacity * MemoryLayout<TermState>.stride + termStarts.capacity * 12
    }

    func term(_ id: Int) -> ArraySlice<UInt8> {
        termBytes[termStarts[id]..<(termStarts[id] + Int(termLengths[id]))]
    }

    // MARK: - Documents

    /// Appends document `number`'s entry to the stream of every term it contains.
    mutating func add(_ paper: AnalyzedPaper, document number: Int) {
        let document = Int32(number)
        let pool = self.pool
        var termStart = 0
        var entryStart = 0
        for index in 0..<paper.termCount {
            let termEnd = Int(paper.termEnds[index]), entryEnd = Int(paper.entryEnds[index])
            let id = termID(paper.termKeys[index], paper.termBytes.span.extracting(termStart..<termEnd))
            var state = states[id]
            pool.appendVarInt(UInt64(document - state.lastDocument - 1), to: &state.stream)
            pool.append(paper.entries.span.extracting(entryStart..<entryEnd), to: &state.stream)
            state.lastDocument = document
            state.documentFrequency += 1
            states[id] = state
            termStart = termEnd
            entryStart = entryEnd
        }
    }

    // MARK: - Terms

    /// The id of a term (`bytes`: namespace byte + term, `key` its `TermKey`), added if new.
    private mutating func termID(_ key: UInt64, _ bytes: Span<UInt8>) -> Int {
        let mask = slots.count - 1
        var slot = TermKey.slotIndex(key, mask: mask)
        while true {
            let entry = slots[slot]
            if entry.id == 0 { break }
            if entry.key == key {
                let id = Int(entry.id) - 1
                // A packed key is the term itself; a hashed one needs a byte comparison.
                if TermKey.isPacked(key) || sameBytes(id, bytes) { return id }
            }
            slot = (slot + 1) & mask
        }
        let id = termStarts.count
        slots[slot] = Slot(key: key, id: UInt32(id) + 1)
        termStarts.append(termBytes.count)
        termLengths.append(Int32(bytes.count))
        for index in bytes.indices { termBytes.append(bytes[index]) }
        states.append(TermState(stream: pool.newStream()))
        if termStarts.count * 2 > slots.count { growTable() }
        return id
    }

    private func sameBytes(_ id: Int, _ bytes: Span<UInt8>) -> Bool {
        guard Int(termLengths[id]) == bytes.count else { return false }
        let start = termStarts[id]
        for index in bytes.indices where termBytes[start + index] != bytes[index] { return false }
        return true
    }

    private mutating func growTable() {
        var newSlots = [Slot](repeating: Slot(), count: slots.count * 2)
        let mask = newSlots.count - 1
        for entry in slots where entry.id != 0 {
            var slot = TermKey.slotIndex(entry.key, mask: mask)
            while newSlots[slot].id != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = entry
        }
        slots = newSlots
    }

    // MARK: - Reading back

    /// A term in the sorted order: its first eight bytes as one big-endian integer (zero-padded), its id,
    /// and its document frequency (carried along so that readers of the order need not look it up).
    struct SortedTerm {
        var prefix: UInt64
        var id: Int32
        var documentFrequency: UInt32
    }

    /// Calls `body` with every term in byte order (namespace byte first).
    ///
    /// A counting pass first buckets the terms by their first two bytes; each bucket is then sorted (by the
    /// eight-byte prefixes as integers, comparing bytes only among equal prefixes) just before its terms are
    /// handed on. A caller that passes terms to other threads (the commit's encoders) thus has them at work
    /// while later buckets are being sorted.
    func forEachSortedTerm(_ body: (SortedTerm) throws(IndexError) -> Void) throws(IndexError) {
        let count = termStarts.count
        var unsorted: [SortedTerm] = []
        unsorted.reserveCapacity(count)
        var bucketStarts = [Int32](repeating: 0, count: (1 << 16) + 1)
        unsafe termBytes.withUnsafeBufferPointer { bytes in
            for id in 0..<count {
                let start = termStarts[id], length = Int(termLengths[id])
                var prefix: UInt64 = 0
                for offset in 0..<8 { prefix = prefix << 8 | (offset < length ? UInt64(unsafe bytes[start + offset]) : 0) }
                unsorted.append(SortedTerm(prefix: prefix, id: Int32(id), documentFrequency: states[id].documentFrequency))
                bucketStarts[Int(prefix >> 48) + 1] += 1
            }
        }
        for bucket in 0..<(1 << 16) { bucketStarts[bucket + 1] += bucketStarts[bucket] }
        var sorted = unsorted
        var next = bucketStarts
        for term in unsorted {
            let bucket = Int(term.prefix >> 48)
            sorted[Int(next[bucket])] = term
            next[bucket] += 1
        }
        for bucket in 0..<(1 << 16) where bucketStarts[bucket + 1] > bucketStarts[bucket] {
            let range = Int(bucketStarts[bucket])..<Int(bucketStarts[bucket + 1])
            unsafe termBytes.withUnsafeBufferPointer { bytes in
                sorted[range].sort { a, b in
                    if a.prefix != b.prefix { return a.prefix < b.prefix }
                    let aStart = termStarts[Int(a.id)], bStart = termStarts[Int(b.id)]
                    return unsafe UnsafeBufferPointer(rebasing: bytes[aStart..<(aStart + Int(termLengths[Int(a.id)]))])
                        .lexicographicallyPrecedes(UnsafeBufferPointer(rebasing: bytes[bStart..<(bStart + Int(termLengths[Int(b.id)]))]))
                }
            }
            for index in range { try body(sorted[index]) }
        }
    }

    /// A term's stream bytes.
    func postings(of id: Int, into output: inout [UInt8]) {
        pool.read(states[id].stream, into: &output)
    }
}

/// A term's key in the inverter's and the analysers' hash tables. A term of at most 7 bytes is packed whole
/// into the key: the namespace byte and the bytes, with the term's length + 1 in the top byte (for 7-byte
/// terms the top byte is the namespace with bit 3 set, which no shorter term's length reaches), so equal
/// keys mean equal terms. Longer terms are hashed, with the top bit set so that no hash equals a packed key,
/// and equal keys must then be confirmed byte by byte.
enum TermKey {
    @inline(__always)
    static func key(_ term: Span<UInt8>, _ namespace: UInt8) -> UInt64 {
        if term.count <= 7 {
            var key = UInt64(namespace)
            for index in term.indices { key = key << 8 | UInt64(term[index]) }
            return key | UInt64(term.count + 1) << 56
        }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(namespace)
        hash &*= 0x0000_0100_0000_01B3
        for index in term.indices { hash = (hash ^ UInt64(term[index])) &* 0x0000_0100_0000_01B3 }
        return (hash ^ (hash >> 29)) | 1 << 63
    }

    @inline(__always)
    static func isPacked(_ key: UInt64) -> Bool { key >> 63 == 0 }

    @inline(__always)
    static func slotIndex(_ key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
    }
}
