/// Growable byte streams for millions of terms in one memory area (the idea of Lucene's `ByteBlockPool`):
/// every stream is a chain of slices carved from a `ByteArena`, each slice twice the size of the one before
/// (up to 4 KiB), ending in an 8-byte pointer to the next. A term's postings grow without copying, and the
/// arena's use is what the memory budget watches.
struct SlicePool {
    static let sliceSizes = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096]
    static let pointerSize = 8

    let arena: ByteArena

    /// Where a stream stands: its first byte, the next byte to write, and the end of the current slice's data.
    struct Stream {
        var head: Int
        var cursor: Int
        var end: Int
        var level: Int
    }

    /// `capacity` bytes of address space are reserved; pages are used as streams grow.
    init(capacity: Int) throws(IndexError) {
        do { arena = try ByteArena(capacity: capacity) } catch { throw .io(error) }
    }

    /// A pool with no memory (a placeholder that is never written).
    init(empty: Void) {
        guard let arena = try? ByteArena(capacity: 0) else { preconditionFailure("an empty arena cannot fail") }
        self.arena = arena
    }

    var bytesUsed: Int { arena.used }

    private func allocate(_ size: Int) -> Int {
        guard let address = arena.allocate(size) else {
            preconditionFailure("indexer memory area exhausted (\(arena.capacity >> 20) MiB); the writer spills before this")
        }
        return address
    }

    func newStream() -> Stream {
        let size = SlicePool.sliceSizes[0]
        let address = allocate(size)
        return Stream(head: address, cursor: address, end: address + size - SlicePool.pointerSize, level: 0)
    }

    @inline(__always)
    func append(_ byte: UInt8, to stream: inout Stream) {
        if stream.cursor == stream.end { grow(&stream) }
        arena.store(byte, at: stream.cursor)
        stream.cursor += 1
    }

    @inline(__always)
    func appendVarInt(_ value: UInt64, to stream: inout Stream) {
        var v = value
        while v >= 0x80 {
            append(UInt8(truncatingIfNeeded: v) | 0x80, to: &stream)
            v >>= 7
        }
        append(UInt8(v), to: &stream)
    }

    /// Appends `bytes`, a slice's worth at a time.
    @inline(__always)
    func append(_ bytes: Span<UInt8>, to stream: inout Stream) {
        var index = 0
        while index < bytes.count {
            if stream.cursor == stream.end { grow(&stream) }
            let run = min(bytes.count - index, stream.end - stream.cursor)
            unsafe bytes.withUnsafeBufferPointer { source in
                unsafe arena.store(UnsafeBufferPointer(rebasing: source[index..<(index + run)]), at: stream.cursor)
            }
            stream.cursor += run
            index += run
        }
    }

    /// Starts the next slice and links it from the end of the current one.
    private func grow(_ stream: inout Stream) {
        let level = min(stream.level + 1, SlicePool.sliceSizes.count - 1)
        let size = SlicePool.sliceSizes[level]
        let address = allocate(size)
        var pointer = UInt64(address)
        for k in 0..<SlicePool.pointerSize {
            arena.store(UInt8(truncatingIfNeeded: pointer), at: stream.end + k)
            pointer >>= 8
        }
        stream.cursor = address
        stream.end = address + size - SlicePool.pointerSize
        stream.level = level
    }

    /// Appends a stream's bytes, in order, to `output`.
    func read(_ stream: Stream, into output: inout [UInt8]) {
        var address = stream.head
        var level = 0
        while true {
            // Slices do not overlap, so the cursor lies in this slice's range only if this is the last one.
            let sliceEnd = address + SlicePool.sliceSizes[level] - SlicePool.pointerSize
            let isLast = stream.cursor >= address && stream.cursor <= sliceEnd
            let stop = isLast ? stream.cursor : sliceEnd
            arena.copy(address, stop - address, into: &output)
            if isLast { return }
            var next = 0
            for k in 0..<SlicePool.pointerSize { next |= Int(arena.load(sliceEnd + k)) << (8 * k) }
            address = next
            level = min(level + 1, SlicePool.sliceSizes.count - 1)
        }
    }
}
