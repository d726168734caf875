/// Positions read from postings (`PostingsCursor.appendPositions`), in memory of the buffer's own: a phrase
/// check makes room for a document's positions at once, then each is a compare, a store and an increment.
/// (An array checks its uniqueness and capacity at every append, and emptying one for reuse went through a
/// generic replace: together a sixth of a two-word phrase's check.) Not copyable: the memory has one owner.
///
/// Invariant: `base` addresses `capacity` values, of which the first `count` are written. A buffer takes no
/// memory until the first position comes (a search without phrases makes two it never fills): until then
/// `base` is a shared placeholder and `capacity` 0, which nothing writes through or frees.
@safe struct PositionBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt32>
    private var capacity = 0
    private(set) var count = 0

    /// What an empty buffer addresses (never written, never freed).
    private nonisolated(unsafe) static let placeholder = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)

    init() {
        unsafe base = PositionBuffer.placeholder
    }

    deinit { if capacity > 0 { unsafe base.deallocate() } }

    var isEmpty: Bool { count == 0 }

    /// Forgets the positions, keeping the memory.
    mutating func removeAll() { count = 0 }

    /// Makes room for `extra` more positions at once (a document's, before they are appended).
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        let larger = max(needed, 2 * capacity, 64)
        let moved = UnsafeMutablePointer<UInt32>.allocate(capacity: larger)
        unsafe moved.update(from: base, count: count)
        if capacity > 0 { unsafe base.deallocate() }
        unsafe base = moved
        capacity = larger
    }

    /// Lets `body` write up to `extra` positions after the last, through a pointer to room made for them, and
    /// keeps as many as it says it wrote (a run of positions unpacked together, each a store).
    @inline(__always)
    mutating func append(upTo extra: Int, _ body: (UnsafeMutablePointer<UInt32>) -> Int) {
        reserve(extra)
        let written = unsafe body(base + count)
        precondition(written >= 0 && written <= extra, "more positions written than room was made for")
        count &+= written
    }

    /// Appends a position (growing only when `reserve` made too little room).
    @inline(__always)
    mutating func append(_ position: UInt32) {
        if count == capacity { grow(to: count + 1) }
        unsafe base[count] = position
        count &+= 1
    }

    subscript(i: Int) -> UInt32 {
        precondition(i >= 0 && i < count, "position index out of range")
        return unsafe base[i]
    }

    /// The positions, valid until the buffer next changes (for loops that read them all).
    @unsafe var unsafeElements: UnsafeBufferPointer<UInt32> { unsafe UnsafeBufferPointer(start: base, count: count) }

    /// Calls `body` with the positions, which it may overwrite (not append to).
    mutating func withUnsafeElements<Result>(_ body: (UnsafeMutableBufferPointer<UInt32>) -> Result) -> Result {
        unsafe body(UnsafeMutableBufferPointer(start: base, count: count))
    }

    /// Keeps the first `kept` positions (at most `count`).
    mutating func truncate(to kept: Int) {
        precondition(kept >= 0 && kept <= count)
        count = kept
    }

    /// The positions, as an array (for tests).
    var elements: [UInt32] { unsafe Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Sorts the positions from `start` on.
    mutating func sort(from start: Int) {
        precondition(start >= 0 && start <= count)
        var tail = unsafe UnsafeMutableBufferPointer(start: base + start, count: count - start)
        unsafe tail.sort()
    }
}
