/// Gathers a paper's term occurrences by term on the analysing thread, then writes each distinct term and
/// its encoded entry into an `AnalyzedPaper`.
///
/// Occurrences are only appended while the analyzer runs (`add`); `finish` then groups them in three
/// passes over pointers: give every occurrence its term's index (a hash table sized for the paper, first
/// occurrences numbered in order), count occurrences per term, and place each position at its term's
/// running offset (a counting sort, which keeps every term's positions in order).
///
/// `@unchecked Sendable`: its pointers are into memory its `GroupingBuffers` owns, and the analyser that
/// holds it is used by one thread at a time (the indexing pipeline hands analysers over through a lock).
@safe struct DocumentTermGrouper: @unchecked Sendable {
    /// Owns the memory; made by the first `begin()`, so that a grouper that is only swapped costs nothing.
    private var buffers: GroupingBuffers?
    // The occurrences so far, in `buffers`' memory (the pointers are refreshed when it grows). Only one copy
    // of a grouper is used at a time: it is moved in and out of the analyser's sink.
    private var tokenBytes = unsafe GroupingBuffers.nowhere(UInt8.self)
    private var tokenByteCount = 0
    private var tokenByteCapacity = 0
    private var tokens = unsafe GroupingBuffers.nowhere(GroupedToken.self)
    private var tokenCount = 0
    private var tokenCapacity = 0

    /// Starts a paper.
    mutating func begin() {
        if buffers == nil { buffers = GroupingBuffers() }
        tokenByteCount = 0
        tokenCount = 0
    }

    /// One occurrence of `term` (in `namespace`) at `position`; `begin()` came first.
    @inline(__always)
    mutating func add(_ term: Span<UInt8>, namespace: FieldNamespace, position: Int) {
        let length = term.count
        if length > tokenByteCapacity - tokenByteCount || tokenCount == tokenCapacity { grow(adding: length) }
        // In bounds: `grow` made room for `length` more bytes and one more occurrence.
        for index in 0..<length { unsafe tokenBytes[tokenByteCount + index] = term[index] }
        tokenByteCount += length
        unsafe tokens[tokenCount] = GroupedToken(
            end: Int32(tokenByteCount), position: UInt32(truncatingIfNeeded: position), namespace: namespace.rawValue)
        tokenCount += 1
    }

    private mutating func grow(adding length: Int) {
        guard let buffers else { preconditionFailure("DocumentTermGrouper.add before begin") }
        unsafe tokenBytes = buffers.growTokenBytes(keeping: tokenByteCount, toHold: tokenByteCount + length)
        unsafe tokens = buffers.growTokens(keeping: tokenCount, toHold: tokenCount + 1)
        tokenByteCapacity = buffers.tokenByteCapacity
        tokenCapacity = buffers.tokenCapacity
    }

    /// Groups the paper's occurrences and sets `paper`'s terms, keys and entries.
    func finish(_ paper: inout AnalyzedPaper) {
        guard let buffers else { preconditionFailure("DocumentTermGrouper.finish before begin") }
        let tokenCount = self.tokenCount
        buffers.reserve(tokens: tokenCount)
        var termCount = 0
        var distinctBytes = 0
        let bytes = unsafe UnsafeBufferPointer(start: tokenBytes, count: tokenByteCount)
        let tokens = unsafe UnsafeBufferPointer(start: self.tokens, count: tokenCount)
        do {
            let tokenTerms = unsafe buffers.tokenTerms, termFirstTokens = unsafe buffers.termFirstTokens
            let keys = unsafe buffers.keys, tableTerms = unsafe buffers.tableTerms
            // The table's size follows this paper (the buffers keep room for the largest so far): at least
            // twice its occurrences, a power of two.
            var tableSize = 256
            while tableSize < 2 * tokenCount { tableSize <<= 1 }
            let mask = tableSize - 1
            unsafe tableTerms.update(repeating: -1, count: tableSize)
            // Pass 1: each occurrence gets its term's index. Invariant: the table has at least twice as many
            // slots as there are occurrences, so probing ends at an empty slot.
            var start = 0
            for token in 0..<tokenCount {
                let end = Int(unsafe tokens[token].end), namespace = unsafe tokens[token].namespace
                let term = unsafe UnsafeBufferPointer(rebasing: bytes[start..<end])
                let key = unsafe TermKey.key(term.span, namespace)
                var slot = TermKey.slotIndex(key, mask: mask)
                var index = -1
                while true {
                    let candidate = Int(unsafe tableTerms[slot])
                    if candidate < 0 { break }
                    if unsafe keys[candidate] == key
                        && (TermKey.isPacked(key) || sameTerm(unsafe termFirstTokens[candidate], token, bytes, tokens)) {
                        index = candidate
                        break
                    }
                    slot = (slot + 1) & mask
                }
                if index < 0 {
                    index = termCount
                    termCount += 1
                    unsafe tableTerms[slot] = Int32(index)
                    unsafe keys[index] = key
                    unsafe termFirstTokens[index] = Int32(token)
                    distinctBytes += 1 + term.count
                }
                unsafe tokenTerms[token] = Int32(index)
                start = end
            }
        }
        // Pass 2 and 3, and the paper's arrays, written in place at their exact sizes.
        do {
            let tokenTerms = unsafe buffers.tokenTerms, termFirstTokens = unsafe buffers.termFirstTokens
            let keys = unsafe buffers.keys, offsets = unsafe buffers.termOffsets, sorted = unsafe buffers.sortedPositions
            unsafe offsets.update(repeating: 0, count: termCount + 1)
            for token in 0..<tokenCount { unsafe offsets[Int(tokenTerms[token]) + 1] += 1 }
            for term in 0..<termCount { unsafe offsets[term + 1] += offsets[term] }
            // offsets[t] is now where term t's positions start; it advances as they are placed, ending
            // where term t + 1's start (so afterwards offsets[t] is t's end).
            for token in 0..<tokenCount {
                let term = Int(unsafe tokenTerms[token])
                unsafe sorted[Int(offsets[term])] = tokens[token].position
                unsafe offsets[term] += 1
            }
            paper.termKeys = unsafe Array(UnsafeBufferPointer(start: keys, count: termCount))
            var termEnds = [Int32](repeating: 0, count: termCount)
            paper.termBytes = unsafe [UInt8](unsafeUninitializedCapacity: distinctBytes) { output, initialized in
                var written = 0
                for term in 0..<termCount {
                    let token = Int(unsafe termFirstTokens[term])
                    let range = unsafe DocumentTermGrouper.bytes(of: token, tokens)
                    unsafe output[written] = tokens[token].namespace
                    unsafe (output.baseAddress.unsafelyUnwrapped + written + 1).update(
                        from: bytes.baseAddress.unsafelyUnwrapped + range.lowerBound, count: range.count)
                    written += 1 + range.count
                    termEnds[term] = Int32(written)
                }
                initialized = written
            }
            paper.termEnds = termEnds
            // Each entry: two frequencies and one delta per position, each a varint of at most 5 bytes.
            let entryBound = 10 * termCount + 5 * tokenCount
            var entryEnds = [Int32](repeating: 0, count: termCount)
            paper.entries = unsafe [UInt8](unsafeUninitializedCapacity: entryBound) { output, initialized in
                var writer = unsafe VarIntWriter(output)
                var start = 0
                for term in 0..<termCount {
                    let end = Int(unsafe offsets[term])
                    var titleFrequency = 0
                    while start + titleFrequency < end && Int(unsafe sorted[start + titleFrequency]) < IndexFormat.abstractPositionBase {
                        titleFrequency += 1
                    }
                    writer.put(UInt32(titleFrequency))
                    writer.put(UInt32(end - start - titleFrequency))
                    var previous: UInt32 = 0
                    for index in start..<end {
                        if index == start + titleFrequency { previous = UInt32(IndexFormat.abstractPositionBase) }
                        let position = unsafe sorted[index]
                        writer.put(position &- previous)
                        previous = position
                    }
                    entryEnds[term] = Int32(writer.written)
                    start = end
                }
                initialized = writer.written
            }
            paper.entryEnds = entryEnds
        }
    }

    /// Where occurrence `token`'s bytes lie among the gathered bytes (each ends where the next starts).
    @inline(__always)
    private static func bytes(of token: Int, _ tokens: UnsafeBufferPointer<GroupedToken>) -> Range<Int> {
        (token == 0 ? 0 : Int(unsafe tokens[token - 1].end))..<Int(unsafe tokens[token].end)
    }

    private func sameTerm(_ first: Int32, _ token: Int, _ bytes: UnsafeBufferPointer<UInt8>,
                          _ tokens: UnsafeBufferPointer<GroupedToken>) -> Bool {
        let other = Int(first)
        guard unsafe tokens[other].namespace == tokens[token].namespace else { return false }
        let otherRange = unsafe DocumentTermGrouper.bytes(of: other, tokens), range = unsafe DocumentTermGrouper.bytes(of: token, tokens)
        guard otherRange.count == range.count else { return false }
        for offset in 0..<range.count where unsafe bytes[otherRange.lowerBound + offset] != bytes[range.lowerBound + offset] {
            return false
        }
        return true
    }
}

/// One occurrence gathered by `DocumentTermGrouper`: where its bytes end, its position, its namespace.
private struct GroupedToken {
    var end: Int32
    var position: UInt32
    var namespace: UInt8
}

/// LEB128 varints written through a pointer into room the caller sized; each write is checked against it.
@safe private struct VarIntWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var written = 0

    init(_ room: UnsafeMutableBufferPointer<UInt8>) {
        unsafe base = room.baseAddress ?? UnsafeMutablePointer(bitPattern: 1).unsafelyUnwrapped
        capacity = room.count
    }

    @inline(__always)
    mutating func put(_ value: UInt32) {
        precondition(written + 5 <= capacity, "varint room exhausted")
        var rest = value
        while rest >= 0x80 {
            unsafe base[written] = UInt8(truncatingIfNeeded: rest) | 0x80
            written += 1
            rest >>= 7
        }
        unsafe base[written] = UInt8(rest)
        written += 1
    }
}

/// The grouping's working memory, in manually managed buffers sized before each paper (`reserve`), so that
/// its loops run on pointers without copy-on-write or exclusivity checks.
///
/// `@unchecked Sendable`: owned by one grouper, whose analyser is used by one thread at a time (the indexing
/// pipeline hands analysers over through a lock).
@safe private final class GroupingBuffers: @unchecked Sendable {
    private(set) var capacity = 0
    /// Per occurrence: its term's index.
    private(set) var tokenTerms = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    /// Per term: its first occurrence, its key, and (capacity + 1) its positions' offsets.
    private(set) var termFirstTokens = UnsafeMutablePointer<Int32>.allocate(capacity: 0)
    private(set) var keys = UnsafeMutablePointer<UInt64>.allocate(capacity: 0)
    private(set) var termOffsets = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    /// Positions grouped by term.
    private(set) var sortedPositions = UnsafeMutablePointer<UInt32>.allocate(capacity: 0)
    /// The hash table: term index per slot, -1 empty.
    private(set) var tableTerms = UnsafeMutablePointer<Int32>.allocate(capacity: 0)

    /// The occurrences being gathered: their bytes back to back, and per occurrence a `GroupedToken`.
    private(set) var tokenBytes = unsafe GroupingBuffers.nowhere(UInt8.self)
    private(set) var tokenByteCapacity = 0
    private(set) var tokens = unsafe GroupingBuffers.nowhere(GroupedToken.self)
    private(set) var tokenCapacity = 0

    /// A pointer for an empty buffer (never read or written; capacity 0).
    static func nowhere<T>(_ type: T.Type) -> UnsafeMutablePointer<T> {
        unsafe UnsafeMutablePointer<T>(bitPattern: MemoryLayout<T>.alignment).unsafelyUnwrapped
    }

    /// Room for at least `count` token bytes, the first `used` kept; returns the (possibly moved) buffer.
    func growTokenBytes(keeping used: Int, toHold count: Int) -> UnsafeMutablePointer<UInt8> {
        unsafe GroupingBuffers.grow(&tokenBytes, capacity: &tokenByteCapacity, keeping: used, toHold: count, minimum: 4096)
    }

    /// Room for at least `count` occurrences, the first `used` kept; returns the (possibly moved) buffer.
    func growTokens(keeping used: Int, toHold count: Int) -> UnsafeMutablePointer<GroupedToken> {
        unsafe GroupingBuffers.grow(&tokens, capacity: &tokenCapacity, keeping: used, toHold: count, minimum: 1024)
    }

    /// Replaces `buffer` (of `capacity` elements, 0 for `nowhere`) by one of at least `count` (doubling, and
    /// at least `minimum`) when it is smaller, keeping its first `used` elements.
    private static func grow<T>(_ buffer: inout UnsafeMutablePointer<T>, capacity: inout Int, keeping used: Int,
                                toHold count: Int, minimum: Int) -> UnsafeMutablePointer<T> {
        guard count > capacity else { return unsafe buffer }
        let newCapacity = max(count, 2 * capacity, minimum)
        let grown = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
        unsafe grown.update(from: buffer, count: used)
        if capacity > 0 { unsafe buffer.deallocate() }
        unsafe buffer = grown
        capacity = newCapacity
        return unsafe grown
    }

    /// Makes room for `tokens` occurrences (and as many terms), and a table of at least twice as many slots.
    func reserve(tokens: Int) {
        guard tokens > capacity || capacity == 0 else { return }
        let newCapacity = max(1024, tokens, 2 * capacity)
        var size = 1
        while size < 2 * newCapacity { size <<= 1 }
        unsafe tokenTerms.deallocate(); unsafe termFirstTokens.deallocate(); unsafe keys.deallocate()
        unsafe termOffsets.deallocate(); unsafe sortedPositions.deallocate(); unsafe tableTerms.deallocate()
        unsafe tokenTerms = .allocate(capacity: newCapacity)
        unsafe termFirstTokens = .allocate(capacity: newCapacity)
        unsafe keys = .allocate(capacity: newCapacity)
        unsafe termOffsets = .allocate(capacity: newCapacity + 1)
        unsafe sortedPositions = .allocate(capacity: newCapacity)
        unsafe tableTerms = .allocate(capacity: size)
        capacity = newCapacity
    }

    deinit {
        if tokenByteCapacity > 0 { unsafe tokenBytes.deallocate() }
        if tokenCapacity > 0 { unsafe tokens.deallocate() }
        unsafe tokenTerms.deallocate(); unsafe termFirstTokens.deallocate(); unsafe keys.deallocate()
        unsafe termOffsets.deallocate(); unsafe sortedPositions.deallocate(); unsafe tableTerms.deallocate()
    }
}
