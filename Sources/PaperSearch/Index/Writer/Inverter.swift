/// The in-memory part of indexing: a hash table of terms and, per term, a stream of postings in a
/// `SlicePool`. Documents come in one at a time with increasing numbers; when memory runs short the writer
/// spills the inverter's content as a sorted run (`RunWriter`) and starts afresh.
///
/// Each term's stream holds, per document: `docNumber - previousDocNumber - 1` (the first relative to -1),
/// the title frequency, the abstract frequency, then the positions as deltas — title positions from 0, the
/// first abstract position from 2^20 (`IndexFormat.abstractPositionBase`) — all LEB128 varints.
///
/// Layout for speed: the hash table keeps, beside each term id, the term itself when it fits in 8 bytes
/// (most stemmed words do), so a lookup usually touches one slot and nothing else; and everything the
/// inverter updates per term lives in one `TermState`, one cache line.
struct Inverter {
    /// A slot: `key` is the packed term (namespace byte + up to 7 bytes, with the length in the top byte)
    /// for short terms, or the term's hash with the top bit set for longer ones; `id` is the term id + 1
    /// (0 = empty).
    private struct Slot {
        var key: UInt64 = 0
        var id: UInt32 = 0
    }

    /// What the inverter tracks per term.
    struct TermState {
        var stream: SlicePool.Stream
        var lastDocument: Int32 = -1
        var documentFrequency: UInt32 = 0
        /// The last token of this term in the current document (index into `tokenTerms`), or -1.
        var lastToken: Int32 = -1
    }

    private var slots: [Slot]
    private var termStarts: [Int] = []
    private var termLengths: [Int32] = []
    private(set) var termBytes: [UInt8] = []
    private(set) var states: [TermState] = []
    private(set) var pool: SlicePool

    // The current document's tokens, chained per term through `tokenPrevious`.
    private var tokenTerms: [Int32] = []
    private var tokenPositions: [UInt32] = []
    private var tokenPrevious: [Int32] = []
    private var touched: [Int32] = []
    private var positionScratch: [UInt32] = []
    private var currentDocument: Int32 = -1

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

    func documentFrequency(_ id: Int) -> UInt32 { states[id].documentFrequency }

    // MARK: - Documents

    mutating func beginDocument(_ number: Int) {
        currentDocument = Int32(number)
        tokenTerms.removeAll(keepingCapacity: true)
        tokenPositions.removeAll(keepingCapacity: true)
        tokenPrevious.removeAll(keepingCapacity: true)
        touched.removeAll(keepingCapacity: true)
    }

    /// Adds one occurrence of `term` (in `namespace`) at `position` of the current document.
    mutating func add(_ term: Span<UInt8>, namespace: FieldNamespace, position: Int) {
        let id = Int(termID(term, namespace: namespace))
        let previous = states[id].lastToken
        if previous < 0 { touched.append(Int32(id)) }
        states[id].lastToken = Int32(tokenTerms.count)
        tokenPrevious.append(previous)
        tokenTerms.append(Int32(id))
        tokenPositions.append(UInt32(truncatingIfNeeded: position))
    }

    /// Writes the current document's entry into the stream of every term it contains.
    mutating func endDocument() {
        let document = currentDocument
        let pool = self.pool
        for id32 in touched {
            let id = Int(id32)
            var state = states[id]
            // Walk the chain of this term's tokens (newest first) and put the positions in order.
            positionScratch.removeAll(keepingCapacity: true)
            var token = state.lastToken
            while token >= 0 {
                positionScratch.append(tokenPositions[Int(token)])
                token = tokenPrevious[Int(token)]
            }
            positionScratch.reverse()
            var titleFrequency: UInt64 = 0
            for position in positionScratch where Int(position) < IndexFormat.abstractPositionBase { titleFrequency += 1 }
            let abstractFrequency = UInt64(positionScratch.count) - titleFrequency
            pool.appendVarInt(UInt64(document - state.lastDocument - 1), to: &state.stream)
            pool.appendVarInt(titleFrequency, to: &state.stream)
            pool.appendVarInt(abstractFrequency, to: &state.stream)
            // Title positions count from 0, abstract positions from the abstract's base: small deltas for both.
            var previousPosition: UInt32 = 0
            for (index, position) in positionScratch.enumerated() {
                if index == Int(titleFrequency) { previousPosition = UInt32(IndexFormat.abstractPositionBase) }
                pool.appendVarInt(UInt64(position &- previousPosition), to: &state.stream)
                previousPosition = position
            }
            state.lastDocument = document
            state.documentFrequency += 1
            state.lastToken = -1
            states[id] = state
        }
    }

    // MARK: - Terms

    /// The slot key of a term of at most 7 bytes: namespace, bytes and length packed; nil for longer terms.
    @inline(__always)
    private static func packedKey(_ term: Span<UInt8>, _ namespace: UInt8) -> UInt64? {
        guard term.count <= 7 else { return nil }
        var key = UInt64(namespace)
        for index in term.indices { key = key << 8 | UInt64(term[index]) }
        return key | UInt64(term.count + 1) << 56
    }

    @inline(__always)
    private static func hash(_ term: Span<UInt8>, _ namespace: UInt8) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(namespace)
        hash &*= 0x0000_0100_0000_01B3
        for index in term.indices { hash = (hash ^ UInt64(term[index])) &* 0x0000_0100_0000_01B3 }
        return hash ^ (hash >> 29)
    }

    @inline(__always)
    private static func slotIndex(_ key: UInt64, mask: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & mask
    }

    /// The id of a term, added if new.
    private mutating func termID(_ term: Span<UInt8>, namespace: FieldNamespace) -> Int32 {
        let packed = Inverter.packedKey(term, namespace.rawValue)
        let key = packed ?? (Inverter.hash(term, namespace.rawValue) | 1 << 63)
        let mask = slots.count - 1
        var slot = Inverter.slotIndex(key, mask: mask)
        while true {
            let entry = slots[slot]
            if entry.id == 0 { break }
            if entry.key == key {
                let id = Int(entry.id) - 1
                // A packed key is the term itself; a hashed one needs a byte comparison.
                if packed != nil || sameBytes(id, term, namespace.rawValue) { return Int32(id) }
            }
            slot = (slot + 1) & mask
        }
        let id = Int32(termStarts.count)
        slots[slot] = Slot(key: key, id: UInt32(id) + 1)
        termStarts.append(termBytes.count)
        termLengths.append(Int32(term.count + 1))
        termBytes.append(namespace.rawValue)
        for index in term.indices { termBytes.append(term[index]) }
        states.append(TermState(stream: pool.newStream()))
        if termStarts.count * 2 > slots.count { growTable() }
        return id
    }

    private func sameBytes(_ id: Int, _ term: Span<UInt8>, _ namespace: UInt8) -> Bool {
        guard Int(termLengths[id]) == term.count + 1 else { return false }
        let start = termStarts[id]
        guard termBytes[start] == namespace else { return false }
        for index in term.indices where termBytes[start + 1 + index] != term[index] { return false }
        return true
    }

    private mutating func growTable() {
        var newSlots = [Slot](repeating: Slot(), count: slots.count * 2)
        let mask = newSlots.count - 1
        for entry in slots where entry.id != 0 {
            var slot = Inverter.slotIndex(entry.key, mask: mask)
            while newSlots[slot].id != 0 { slot = (slot + 1) & mask }
            newSlots[slot] = entry
        }
        slots = newSlots
    }

    // MARK: - Reading back

    /// Term ids in byte order of their terms (namespace byte first).
    func sortedTermIDs() -> [Int] {
        // Sort by the first eight bytes as one integer, then compare bytes only among equal prefixes.
        let prefixes: [UInt64] = (0..<termStarts.count).map { id in
            var prefix: UInt64 = 0
            let bytes = term(id)
            var taken = 0
            for byte in bytes.prefix(8) { prefix = prefix << 8 | UInt64(byte); taken += 1 }
            return prefix << UInt64(8 * (8 - taken))
        }
        var ids = Array(0..<termStarts.count)
        ids.sort { a, b in
            if prefixes[a] != prefixes[b] { return prefixes[a] < prefixes[b] }
            return term(a).lexicographicallyPrecedes(term(b))
        }
        return ids
    }

    /// A term's stream bytes.
    func postings(of id: Int, into output: inout [UInt8]) {
        pool.read(states[id].stream, into: &output)
    }
}
