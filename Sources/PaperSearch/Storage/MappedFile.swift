import Glibc

/// A file's bytes mapped read-only into memory with `mmap(2)`: opening costs no reading, pages come in as
/// they are touched, and many threads share them. (Foundation's `.mappedIfSafe` copies on Linux.) The mapping
/// lives as long as the object; readers keep a reference, so an index replaced on disk stays readable by the
/// searches that have it open.
///
/// Every read is checked against the file's length. Readers of index files check the offsets they decode
/// with `contains` and report damage as an error before reading; the checks here are the last line of
/// defence, and stop the process rather than read outside the mapping.
@safe final class MappedFile: @unchecked Sendable {
    // @unchecked Sendable: the bytes are never written after mapping (PROT_READ), so sharing is safe.
    let path: String
    let count: Int
    private let base: UnsafeRawPointer?

    /// Maps `path` read-only. An empty file has no mapping (`mmap` rejects length 0) and reads as zero bytes.
    init(path: String) throws(StorageError) {
        self.path = path
        let fd = try SystemCalls.openForReading(path)
        defer { SystemCalls.close(fd) }
        var info = stat()
        guard unsafe fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: path, errno: .current) }
        count = Int(info.st_size)
        if count == 0 {
            unsafe base = nil
            return
        }
        guard let address = unsafe mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0), unsafe address != MAP_FAILED else {
            throw .io(operation: "mmap", path: path, errno: .current)
        }
        unsafe base = UnsafeRawPointer(address)
    }

    deinit {
        if let base = unsafe base { unsafe munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }

    /// Whether `offset..<offset+length` lies inside the file.
    @inline(__always)
    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= count && length <= count - offset
    }

    @inline(__always)
    func load<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        precondition(contains(offset, MemoryLayout<T>.size), "read past the end of \(path)")
        return unsafe T(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    /// A 32-bit read whose range the caller has checked once for a whole table (see `Norms`).
    @unsafe @inline(__always)
    func uncheckedUInt32(at offset: Int) -> UInt32 {
        unsafe UInt32(littleEndian: base.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// The address of `offset..<offset+length`, checked here once (nil when the range is not inside the
    /// file), for a reader that walks a table many times: it stays valid while this object lives, so the
    /// reader must hold a reference to it.
    @unsafe @inline(__always)
    func address(_ offset: Int, _ length: Int) -> UnsafeRawPointer? {
        guard contains(offset, length), let base = unsafe base else { return nil }
        return unsafe base + offset
    }

    func uint8(at offset: Int) -> UInt8 { load(UInt8.self, at: offset) }
    func uint16(at offset: Int) -> UInt16 { load(UInt16.self, at: offset) }
    func uint32(at offset: Int) -> UInt32 { load(UInt32.self, at: offset) }
    func uint64(at offset: Int) -> UInt64 { load(UInt64.self, at: offset) }
    func float32(at offset: Int) -> Float { Float(bitPattern: load(UInt32.self, at: offset)) }

    /// Copies a byte range out (for stored fields and terms).
    func bytes(_ offset: Int, _ length: Int) -> [UInt8] {
        precondition(contains(offset, length), "read past the end of \(path)")
        guard length > 0, let base = unsafe base else { return [] }
        return unsafe Array(UnsafeRawBufferPointer(start: base + offset, count: length))
    }

    /// Runs `body` on a view of a byte range, without copying.
    func withBytes<R>(_ offset: Int, _ length: Int, _ body: (Span<UInt8>) throws -> R) rethrows -> R {
        precondition(contains(offset, length), "read past the end of \(path)")
        guard length > 0, let base = unsafe base else { return try body([UInt8]().span) }
        let buffer = unsafe UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self) + offset, count: length)
        return try unsafe body(buffer.span)
    }

    /// The CRC-32 of a byte range.
    func crc32(_ offset: Int, _ length: Int) -> UInt32 {
        precondition(contains(offset, length), "read past the end of \(path)")
        guard length > 0, let base = unsafe base else { return 0 }
        var crc = CRC32()
        unsafe crc.update(UnsafeRawBufferPointer(start: base + offset, count: length))
        return crc.value
    }

    /// The `BlockChecksum` of a byte range, or nil when the range is not inside the file.
    func blockChecksum(_ offset: Int, _ length: Int) -> UInt32? {
        guard contains(offset, length) else { return nil }
        guard length > 0, let base = unsafe base else { return unsafe BlockChecksum.of(UnsafeRawBufferPointer(start: nil, count: 0)) }
        // Most ranges have 8 bytes of the file after them (a footer ends every file).
        return unsafe BlockChecksum.of(base + offset, count: length, overReading: contains(offset, length + 8))
    }

    /// Decodes a LEB128 varint at `offset`, advancing it. Returns nil if the bytes end or the value is too long.
    @inline(__always)
    func varint(at offset: inout Int) -> UInt64? {
        guard count > 0, let base = unsafe base else { return nil }
        let buffer = unsafe UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
        return unsafe VarInt.read(buffer.span, at: &offset)
    }

    /// Steps over `count` LEB128 varints starting at `offset`, none reaching `end` (at most the file's end);
    /// false when they would.
    func skipVarints(_ count: Int, at offset: inout Int, end: Int) -> Bool {
        guard let base = unsafe base else { return count == 0 }
        return unsafe VarInt.skip(count, in: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: min(end, self.count)), at: &offset)
    }
}
