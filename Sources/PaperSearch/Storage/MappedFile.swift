import Glibc

/// A file's bytes mapped read-only into memory with `mmap(2)`: opening costs no reading, pages come in as
/// they are touched, and many threads share them. (Foundation's `.mappedIfSafe` copies on Linux.) The mapping
/// lives as long as the object; readers keep a reference, so an index replaced on disk stays readable by the
/// searches that have it open.
///
/// Every read is checked against the file's length. Readers of index files check the offsets they decode
/// with `contains` and report damage as an error before reading; the checks here are the last line of
/// defence, and stop the process rather than read outside the mapping.
@safe public final class MappedFile: @unchecked Sendable {
    // @unchecked Sendable: the bytes are never written after mapping (PROT_READ), so sharing is safe.
    public let path: String
    public let count: Int
    private let base: UnsafeRawPointer?

    /// Maps `path` read-only. An empty file has no mapping (`mmap` rejects length 0) and reads as zero bytes.
    public init(path: String) throws(StorageError) {
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
    public func contains(_ offset: Int, _ length: Int) -> Bool {
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
    @unsafe func address(_ offset: Int, _ length: Int) -> UnsafeRawPointer? {
        guard contains(offset, length), let base = unsafe base else { return nil }
        return unsafe base + offset
    }

    public func uint8(at offset: Int) -> UInt8 { load(UInt8.self, at: offset) }
    public func uint16(at offset: Int) -> UInt16 { load(UInt16.self, at: offset) }
    public func uint32(at offset: Int) -> UInt32 { load(UInt32.self, at: offset) }
    public func uint64(at offset: Int) -> UInt64 { load(UInt64.self, at: offset) }
    public func float32(at offset: Int) -> Float { Float(bitPattern: load(UInt32.self, at: offset)) }

    /// Copies a byte range out (for stored fields and terms).
    public func bytes(_ offset: Int, _ length: Int) -> [UInt8] {
        precondition(contains(offset, length), "read past the end of \(path)")
        guard length > 0, let base = unsafe base else { return [] }
        return unsafe Array(UnsafeRawBufferPointer(start: base + offset, count: length))
    }

    /// Appends a byte range to `output` (no intermediate array).
    public func append(_ offset: Int, _ length: Int, to output: inout [UInt8]) {
        precondition(contains(offset, length), "read past the end of \(path)")
        guard length > 0, let base = unsafe base else { return }
        unsafe output.append(contentsOf: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self) + offset, count: length))
    }

    /// Runs `body` on a view of a byte range, without copying.
    public func withBytes<R>(_ offset: Int, _ length: Int, _ body: (Span<UInt8>) throws -> R) rethrows -> R {
        precondition(contains(offset, length), "read past the end of \(path)")
        guard length > 0, let base = unsafe base else { return try body([UInt8]().span) }
        let buffer = unsafe UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self) + offset, count: length)
        return try unsafe body(buffer.span)
    }

    /// The CRC-32 of a byte range.
    public func crc32(_ offset: Int, _ length: Int) -> UInt32 {
        precondition(contains(offset, length), "read past the end of \(path)")
        guard length > 0, let base = unsafe base else { return 0 }
        var crc = CRC32()
        unsafe crc.update(UnsafeRawBufferPointer(start: base + offset, count: length))
        return crc.value
    }

    /// The `BlockChecksum` of a byte range, or nil when the range is not inside the file.
    func blockChecksum(_ offset: Int, _ length: Int) -> UInt32? {
        guard contains(offset, length) else { return nil }
        guard length > 0, let base = unsafe base else { return BlockChecksum.of(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return unsafe BlockChecksum.of(base + offset, count: length)
    }

    /// Decodes a LEB128 varint at `offset`, advancing it. Returns nil if the bytes end or the value is too long.
    @inline(__always)
    public func varint(at offset: inout Int) -> UInt64? {
        guard count > 0, let base = unsafe base else { return nil }
        let buffer = unsafe UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
        return unsafe VarInt.read(buffer.span, at: &offset)
    }

    /// Steps over `count` LEB128 varints starting at `offset`, none reaching `end` (at most the file's end);
    /// false when they would.
    public func skipVarints(_ count: Int, at offset: inout Int, end: Int) -> Bool {
        guard let base = unsafe base else { return count == 0 }
        return unsafe VarInt.skip(count, in: UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: min(end, self.count)), at: &offset)
    }

    /// Unpacks `count` gaps like `unpack`, and writes running document numbers in their place: value `i` is
    /// the one before it plus its gap plus one, the first following `previous`, in wrapping 32-bit arithmetic
    /// (the caller has ruled out a sum past 2^32 - 1). Returns the last. For whole groups of 32 the sums are
    /// made as the values come out of the specialised unpackers, so the gaps are never stored.
    @inline(__always)
    func unpackDocuments(_ count: Int, width: Int, at offset: Int, after previous: UInt32,
                         into output: UnsafeMutablePointer<UInt32>) -> UInt32 {
        precondition(count <= 128 && width <= 32)
        var documents = unsafe RunningDocuments(output: output, last: previous)
        if count & 31 == 0 && width > 0 {
            precondition(contains(offset, BitPacking.byteCount(count, width: width)), "read past the end of \(path)")
            guard let base = unsafe base else { return previous }
            unsafe MappedFile.unpackGroups(base + offset, groups: count >> 5, width: width, into: &documents)
            return documents.last
        }
        // A partial group (a list's last block) or width 0: unpack the gaps, then sum them in place.
        unsafe unpack(count, width: width, at: offset, into: output)
        for i in 0..<count { documents.put(unsafe output[i], at: i) }
        return documents.last
    }

    /// Unpacks `count` (at most 128) values of `width` bits (0...32), packed least significant bit first,
    /// starting at `offset`, to `output`. The caller checked that `BitPacking.byteCount(count, width)` bytes
    /// lie inside the file; this is checked again here, once for the whole block.
    @inline(__always)
    func unpack(_ count: Int, width: Int, at offset: Int, into output: UnsafeMutablePointer<UInt32>) {
        precondition(count <= 128 && width <= 32)
        let length = BitPacking.byteCount(count, width: width)
        precondition(contains(offset, length), "read past the end of \(path)")
        if width == 0 {
            unsafe output.update(repeating: 0, count: count)
            return
        }
        guard let base = unsafe base else { return }
        let bytes = unsafe base + offset
        if count & 31 == 0 {
            // Whole groups of 32 values (every block but a list's last): a group of `width` 32-bit words,
            // unpacked by code specialised for each width, so every shift and mask is a constant.
            var values = unsafe StoredValues(output: output)
            unsafe MappedFile.unpackGroups(bytes, groups: count >> 5, width: width, into: &values)
            return
        }
        let mask: UInt64 = (1 << UInt64(width)) - 1
        if contains(offset, length + 8) {
            // Fast path: a bit reader that refills 32 bits at a time. It may read up to 7 bytes past the
            // block, which the check above keeps inside the file (a footer always follows the data); bits
            // read past the block are never used.
            var accumulator: UInt64 = 0
            var available = 0
            var position = 0
            for i in 0..<count {
                if available < width {
                    let chunk = unsafe UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self))
                    accumulator |= UInt64(chunk) << UInt64(available)
                    position += 4
                    available += 32
                }
                unsafe output[i] = UInt32(truncatingIfNeeded: accumulator & mask)
                accumulator >>= UInt64(width)
                available -= width
            }
            return
        }
        // Invariant: every byte read below lies in offset..<offset+length, checked above.
        var bitOffset = 0
        for i in 0..<count {
            let byteIndex = bitOffset >> 3
            let shift = UInt64(bitOffset & 7)
            var word: UInt64 = 0
            for k in 0..<min(8, length - byteIndex) {
                word |= UInt64(unsafe bytes.load(fromByteOffset: byteIndex + k, as: UInt8.self)) << UInt64(8 * k)
            }
            unsafe output[i] = UInt32(truncatingIfNeeded: (word >> shift) & mask)
            bitOffset += width
        }
    }

    /// Unpacks `groups` groups of 32 values of `width` (1...32) bits: group `g` is the `width` little-endian
    /// 32-bit words from byte `4 * width * g`, value `i` of a group at bit `i * width` of them. The caller
    /// checked that all `4 * width * groups` bytes lie in the file; nothing past them is read.
    private static func unpackGroups<Values: UnpackedValues>(
        _ bytes: UnsafeRawPointer, groups: Int, width: Int, into values: inout Values
    ) {
        // One case per width: each call inlines `unpackGroups(width:)` with a constant width, which the
        // compiler unrolls into straight-line shifts and masks.
        switch width {
        case 1: unsafe FixedWidthUnpacker<1>.unpack(bytes, groups: groups, into: &values)
        case 2: unsafe FixedWidthUnpacker<2>.unpack(bytes, groups: groups, into: &values)
        case 3: unsafe FixedWidthUnpacker<3>.unpack(bytes, groups: groups, into: &values)
        case 4: unsafe FixedWidthUnpacker<4>.unpack(bytes, groups: groups, into: &values)
        case 5: unsafe FixedWidthUnpacker<5>.unpack(bytes, groups: groups, into: &values)
        case 6: unsafe FixedWidthUnpacker<6>.unpack(bytes, groups: groups, into: &values)
        case 7: unsafe FixedWidthUnpacker<7>.unpack(bytes, groups: groups, into: &values)
        case 8: unsafe FixedWidthUnpacker<8>.unpack(bytes, groups: groups, into: &values)
        case 9: unsafe FixedWidthUnpacker<9>.unpack(bytes, groups: groups, into: &values)
        case 10: unsafe FixedWidthUnpacker<10>.unpack(bytes, groups: groups, into: &values)
        case 11: unsafe FixedWidthUnpacker<11>.unpack(bytes, groups: groups, into: &values)
        case 12: unsafe FixedWidthUnpacker<12>.unpack(bytes, groups: groups, into: &values)
        case 13: unsafe FixedWidthUnpacker<13>.unpack(bytes, groups: groups, into: &values)
        case 14: unsafe FixedWidthUnpacker<14>.unpack(bytes, groups: groups, into: &values)
        case 15: unsafe FixedWidthUnpacker<15>.unpack(bytes, groups: groups, into: &values)
        case 16: unsafe FixedWidthUnpacker<16>.unpack(bytes, groups: groups, into: &values)
        case 17: unsafe FixedWidthUnpacker<17>.unpack(bytes, groups: groups, into: &values)
        case 18: unsafe FixedWidthUnpacker<18>.unpack(bytes, groups: groups, into: &values)
        case 19: unsafe FixedWidthUnpacker<19>.unpack(bytes, groups: groups, into: &values)
        case 20: unsafe FixedWidthUnpacker<20>.unpack(bytes, groups: groups, into: &values)
        case 21: unsafe FixedWidthUnpacker<21>.unpack(bytes, groups: groups, into: &values)
        case 22: unsafe FixedWidthUnpacker<22>.unpack(bytes, groups: groups, into: &values)
        case 23: unsafe FixedWidthUnpacker<23>.unpack(bytes, groups: groups, into: &values)
        case 24: unsafe FixedWidthUnpacker<24>.unpack(bytes, groups: groups, into: &values)
        case 25: unsafe FixedWidthUnpacker<25>.unpack(bytes, groups: groups, into: &values)
        case 26: unsafe FixedWidthUnpacker<26>.unpack(bytes, groups: groups, into: &values)
        case 27: unsafe FixedWidthUnpacker<27>.unpack(bytes, groups: groups, into: &values)
        case 28: unsafe FixedWidthUnpacker<28>.unpack(bytes, groups: groups, into: &values)
        case 29: unsafe FixedWidthUnpacker<29>.unpack(bytes, groups: groups, into: &values)
        case 30: unsafe FixedWidthUnpacker<30>.unpack(bytes, groups: groups, into: &values)
        case 31: unsafe FixedWidthUnpacker<31>.unpack(bytes, groups: groups, into: &values)
        default: unsafe FixedWidthUnpacker<32>.unpack(bytes, groups: groups, into: &values)
        }
    }
}

/// `MappedFile.unpackGroups` for one bit width, a generic value parameter so that each width is compiled
/// into its own straight-line code.
private enum FixedWidthUnpacker<let width: Int> {
    @inline(__always)
    static func unpack<Values: UnpackedValues>(_ bytes: UnsafeRawPointer, groups: Int, into values: inout Values) {
        let mask: UInt32 = width == 32 ? ~0 : (1 << UInt32(width)) &- 1
        var words = unsafe bytes
        var first = 0
        // Value `i` starts at bit `i * width`. With `width` and `i` constants (the calls below are written
        // out because the compiler will not unroll the loop), each value is one or two loads, shifts and a
        // mask. Wrapping arithmetic: every index is a constant below 1024.
        @inline(__always) func put(_ i: Int) {
            let bit = i &* width
            let word = bit &>> 5, shift = bit & 31
            var value = unsafe UInt32(littleEndian: words.loadUnaligned(fromByteOffset: word &<< 2, as: UInt32.self)) &>> UInt32(shift)
            if shift &+ width > 32 {
                value |= unsafe UInt32(littleEndian: words.loadUnaligned(fromByteOffset: (word &+ 1) &<< 2, as: UInt32.self)) &<< UInt32(32 &- shift)
            }
            values.put(value & mask, at: first &+ i)
        }
        for _ in 0..<groups {
            put(0); put(1); put(2); put(3); put(4); put(5); put(6); put(7)
            put(8); put(9); put(10); put(11); put(12); put(13); put(14); put(15)
            put(16); put(17); put(18); put(19); put(20); put(21); put(22); put(23)
            put(24); put(25); put(26); put(27); put(28); put(29); put(30); put(31)
            unsafe words += width &<< 2
            first &+= 32
        }
    }
}

/// Where `FixedWidthUnpacker` puts the values it unpacks (a protocol so that each kind is specialised).
private protocol UnpackedValues {
    /// Value number `i` of the unpacking (below the count the caller's output holds).
    mutating func put(_ value: UInt32, at i: Int)
}

/// Stores each value.
@safe private struct StoredValues: UnpackedValues {
    let output: UnsafeMutablePointer<UInt32>

    @unsafe init(output: UnsafeMutablePointer<UInt32>) { unsafe self.output = output }

    @inline(__always)
    func put(_ value: UInt32, at i: Int) { unsafe output[i] = value }
}

/// Stores running sums of gaps: each value is the last document plus the gap plus one (wrapping; see
/// `MappedFile.unpackDocuments`).
@safe private struct RunningDocuments: UnpackedValues {
    let output: UnsafeMutablePointer<UInt32>
    var last: UInt32

    @unsafe init(output: UnsafeMutablePointer<UInt32>, last: UInt32) {
        unsafe self.output = output
        self.last = last
    }

    @inline(__always)
    mutating func put(_ value: UInt32, at i: Int) {
        last = last &+ value &+ 1
        unsafe output[i] = last
    }
}

/// Bit packing of small unsigned integers (frame of reference): `count` values at a common bit width,
/// least significant bit first, in `ceil(count * width / 8)` bytes.
public enum BitPacking {
    public static func byteCount(_ count: Int, width: Int) -> Int { (count * width + 7) / 8 }

    /// The number of bits needed for the largest value.
    public static func width<C: Collection>(of values: C) -> Int where C.Element == UInt32 {
        let maximum = values.max() ?? 0
        return maximum == 0 ? 0 : 32 - maximum.leadingZeroBitCount
    }

    /// Appends `values` packed at `width` bits to `output`.
    public static func pack<C: Collection>(_ values: C, width: Int, into output: inout [UInt8]) where C.Element == UInt32 {
        guard width > 0 && width <= 32 else { return }
        // The output's room is made first, then filled through a pointer four bytes at a time.
        let start = output.count
        let byteCount = (values.count * width + 7) / 8
        output.append(contentsOf: repeatElement(0, count: byteCount))
        unsafe output.withUnsafeMutableBytes { bytes in
            var accumulator: UInt64 = 0
            var bits = 0
            var offset = start
            for value in values {
                accumulator |= UInt64(value) << UInt64(bits)
                bits += width
                if bits >= 32 {
                    // In bounds: these 32 bits are part of the `byteCount` bytes.
                    unsafe bytes.storeBytes(of: UInt32(truncatingIfNeeded: accumulator).littleEndian, toByteOffset: offset, as: UInt32.self)
                    offset += 4
                    accumulator >>= 32
                    bits -= 32
                }
            }
            while bits > 0 {
                unsafe bytes[offset] = UInt8(truncatingIfNeeded: accumulator)
                offset += 1
                accumulator >>= 8
                bits -= 8
            }
        }
    }
}

/// LEB128 variable-length integers: 7 bits a byte, low bits first, high bit set on all but the last byte.
public enum VarInt {
    public static func append(_ value: UInt64, to output: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        output.append(UInt8(v))
    }

    public static func append(_ value: Int, to output: inout [UInt8]) { append(UInt64(value), to: &output) }

    /// Decodes a varint from `bytes` at `offset`, advancing it; nil when the bytes end first or it overflows.
    public static func read(_ bytes: [UInt8], at offset: inout Int) -> UInt64? {
        read(bytes.span, at: &offset)
    }

    /// Steps over `count` varints of `bytes` starting at `offset`; false when the bytes end first.
    @inline(__always)
    public static func skip(_ count: Int, in bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int) -> Bool {
        let limit = bytes.count
        guard let base = bytes.baseAddress, offset >= 0 else { return count == 0 }
        var left = count
        while left > 0 {
            // Eight bytes at a time: each byte with its high bit clear ends a varint. The ends are cleared
            // lowest first; the one that ends the last varint to skip says how far into the word to go.
            if offset + 8 <= limit {
                let word = unsafe UInt64(littleEndian: UnsafeRawPointer(base + offset).loadUnaligned(as: UInt64.self))
                var ends = ~word & 0x8080_8080_8080_8080
                while ends != 0 {
                    left -= 1
                    if left == 0 {
                        offset += ends.trailingZeroBitCount >> 3 + 1
                        return true
                    }
                    ends &= ends - 1
                }
                offset += 8
                continue
            }
            guard offset < limit else { return false }
            let byte = unsafe base[offset]
            offset += 1
            if byte & 0x80 == 0 { left -= 1 }
        }
        return true
    }

    /// Decodes a varint from `bytes` at `offset`, advancing it; nil when the bytes end first or it overflows.
    @inline(__always)
    public static func read(_ bytes: Span<UInt8>, at offset: inout Int) -> UInt64? {
        // Most values (frequencies, small gaps and deltas) take one byte: no loop for those.
        if offset < bytes.count, bytes[offset] < 0x80 {
            offset += 1
            return UInt64(bytes[offset - 1])
        }
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            if shift > 63 { return nil }
        }
        return nil
    }
}
