import Glibc

/// A large, growable byte area for the indexer's postings streams: address space is reserved once with an
/// anonymous `mmap` (the kernel supplies zeroed pages only when they are first touched), so growing never
/// copies, and reads and writes go through a pointer with one bounds check each — no copy-on-write checks
/// as with arrays. Memory is returned to the system when the arena goes away.
@safe final class ByteArena {
    /// Bytes reserved; writes beyond it are a programming error (the caller sizes the arena to its budget).
    let capacity: Int
    private let base: UnsafeMutableRawPointer
    /// Bytes handed out so far.
    private(set) var used = 0

    init(capacity: Int) throws(StorageError) {
        self.capacity = capacity
        guard capacity > 0 else {
            // An empty arena (a placeholder): nothing is mapped and every allocation fails.
            unsafe base = UnsafeMutableRawPointer(bitPattern: 1).unsafelyUnwrapped
            return
        }
        guard let address = unsafe mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              unsafe address != MAP_FAILED
        else { throw .io(operation: "reserve \(capacity >> 20) MiB of memory", path: "(memory)", errno: .current) }
        unsafe base = address
    }

    deinit { if capacity > 0 { unsafe munmap(base, capacity) } }

    /// Hands out `count` bytes; nil when the arena is full.
    @inline(__always)
    func allocate(_ count: Int) -> Int? {
        guard count <= capacity - used else { return nil }
        defer { used += count }
        return used
    }

    @inline(__always)
    func store(_ byte: UInt8, at offset: Int) {
        precondition(offset >= 0 && offset < used, "arena write out of range")
        unsafe base.storeBytes(of: byte, toByteOffset: offset, as: UInt8.self)
    }

    /// Writes `bytes` at `offset` (within what was handed out).
    @inline(__always)
    func store(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) {
        precondition(offset >= 0 && bytes.count <= used - offset, "arena write out of range")
        guard let source = bytes.baseAddress else { return }
        unsafe (base + offset).copyMemory(from: source, byteCount: bytes.count)
    }

    @inline(__always)
    func load(_ offset: Int) -> UInt8 {
        precondition(offset >= 0 && offset < used, "arena read out of range")
        return unsafe base.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Appends `bytes[offset..<offset+count]` to `output`.
    func copy(_ offset: Int, _ count: Int, into output: inout [UInt8]) {
        precondition(offset >= 0 && count >= 0 && offset + count <= used, "arena read out of range")
        unsafe output.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: count))
    }
}
