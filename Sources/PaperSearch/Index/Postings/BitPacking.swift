/// Bit packing of postings blocks (the postings codec's integers): packing for the writer, and unpacking
/// straight from the mapped file for the cursors.
extension MappedFile {
    /// Unpacks `count` gaps like `unpack`, and writes running document numbers in their place: value `i` is
    /// the one before it plus its gap plus one, the first following `previous`, in wrapping 32-bit arithmetic
    /// (the caller has ruled out a sum past 2^32 - 1). Returns the last.
    @inline(__always)
    func unpackDocuments(_ count: Int, width: Int, at offset: Int, after previous: UInt32,
                         into output: UnsafeMutablePointer<UInt32>) -> UInt32 {
        if BitPacking.isInterleaved(count, width: width) {
            var documents = unsafe RunningDocumentVectors(output: output, last: previous)
            unpackInterleavedLane(width: width, at: offset, into: &documents)
            return documents.last
        }
        var documents = unsafe RunningDocuments(output: output, last: previous)
        unsafe unpack(count, width: width, at: offset, through: &documents, output: output)
        return documents.last
    }

    /// Unpacks `count` document gaps as `BitPacking.packGaps` wrote them (interleaved for a whole block, else
    /// as `unpack`) to `output`.
    @inline(__always)
    func unpackGaps(_ count: Int, width: Int, at offset: Int, into output: UnsafeMutablePointer<UInt32>) {
        guard BitPacking.isInterleaved(count, width: width) else { return unsafe unpack(count, width: width, at: offset, into: output) }
        var values = unsafe StoredVectors(output: output)
        unpackInterleavedLane(width: width, at: offset, into: &values)
    }

    /// Unpacks the interleaved lane of a whole block at `offset` into `values`, its `16 * width` bytes checked
    /// once to lie in the file.
    @inline(__always)
    private func unpackInterleavedLane<Values: InterleavedValues>(width: Int, at offset: Int, into values: inout Values) {
        let length = BitPacking.byteCount(postingsBlockSize, width: width)
        precondition(contains(offset, length), "read past the end of \(path)")
        guard let bytes = unsafe address(offset, length) else { return }
        unsafe MappedFile.unpackInterleaved(bytes, width: width, into: &values)
    }

    /// Unpacks `count` values like `unpack`, and writes running sums in their place: value `i` is the sum,
    /// over the values before it, of each value and the `addends` value beside it (a block's frequencies in
    /// the abstract and in the title, giving where each document's positions start). Returns the sum of
    /// them all; `addends` holds `count` values.
    @inline(__always)
    func unpackRunningStarts(_ count: Int, width: Int, at offset: Int, adding addends: UnsafePointer<UInt32>,
                             into output: UnsafeMutablePointer<UInt32>) -> UInt64 {
        var starts = unsafe RunningStarts(addends: addends, output: output)
        unsafe unpack(count, width: width, at: offset, through: &starts, output: output)
        return starts.running
    }

    /// Unpacks `count` values like `unpack` and gives them, in order, to `values`, which writes `output`. For
    /// whole groups of 32 they go straight from the specialised unpackers, never stored; a partial group (a
    /// list's last block) or width 0 is unpacked into `output` first, then given value by value.
    @inline(__always)
    private func unpack<Values: UnpackedValues>(_ count: Int, width: Int, at offset: Int, through values: inout Values,
                                                output: UnsafeMutablePointer<UInt32>) {
        precondition(count <= 128 && width <= 32)
        if count & 31 == 0 && width > 0 {
            precondition(contains(offset, BitPacking.byteCount(count, width: width)), "read past the end of \(path)")
            guard let bytes = unsafe address(offset, BitPacking.byteCount(count, width: width)) else { return }
            unsafe MappedFile.unpackGroups(bytes, groups: count >> 5, width: width, into: &values)
            return
        }
        unsafe unpack(count, width: width, at: offset, into: output)
        for i in 0..<count { values.put(unsafe output[i], at: i) }
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
        guard let bytes = unsafe address(offset, length) else { return }
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
    fileprivate static func unpackGroups<Values: UnpackedValues>(
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

    /// Unpacks the 128 values of an interleaved lane of `width` (1...32) bits (`BitPacking.packGaps`), the
    /// `16 * width` bytes at `bytes`, which the caller checked lie in the file; nothing past them is read.
    fileprivate static func unpackInterleaved<Values: InterleavedValues>(_ bytes: UnsafeRawPointer, width: Int,
                                                                         into values: inout Values) {
        switch width {
        case 1: unsafe InterleavedUnpacker<1>.unpack(bytes, into: &values)
        case 2: unsafe InterleavedUnpacker<2>.unpack(bytes, into: &values)
        case 3: unsafe InterleavedUnpacker<3>.unpack(bytes, into: &values)
        case 4: unsafe InterleavedUnpacker<4>.unpack(bytes, into: &values)
        case 5: unsafe InterleavedUnpacker<5>.unpack(bytes, into: &values)
        case 6: unsafe InterleavedUnpacker<6>.unpack(bytes, into: &values)
        case 7: unsafe InterleavedUnpacker<7>.unpack(bytes, into: &values)
        case 8: unsafe InterleavedUnpacker<8>.unpack(bytes, into: &values)
        case 9: unsafe InterleavedUnpacker<9>.unpack(bytes, into: &values)
        case 10: unsafe InterleavedUnpacker<10>.unpack(bytes, into: &values)
        case 11: unsafe InterleavedUnpacker<11>.unpack(bytes, into: &values)
        case 12: unsafe InterleavedUnpacker<12>.unpack(bytes, into: &values)
        case 13: unsafe InterleavedUnpacker<13>.unpack(bytes, into: &values)
        case 14: unsafe InterleavedUnpacker<14>.unpack(bytes, into: &values)
        case 15: unsafe InterleavedUnpacker<15>.unpack(bytes, into: &values)
        case 16: unsafe InterleavedUnpacker<16>.unpack(bytes, into: &values)
        case 17: unsafe InterleavedUnpacker<17>.unpack(bytes, into: &values)
        case 18: unsafe InterleavedUnpacker<18>.unpack(bytes, into: &values)
        case 19: unsafe InterleavedUnpacker<19>.unpack(bytes, into: &values)
        case 20: unsafe InterleavedUnpacker<20>.unpack(bytes, into: &values)
        case 21: unsafe InterleavedUnpacker<21>.unpack(bytes, into: &values)
        case 22: unsafe InterleavedUnpacker<22>.unpack(bytes, into: &values)
        case 23: unsafe InterleavedUnpacker<23>.unpack(bytes, into: &values)
        case 24: unsafe InterleavedUnpacker<24>.unpack(bytes, into: &values)
        case 25: unsafe InterleavedUnpacker<25>.unpack(bytes, into: &values)
        case 26: unsafe InterleavedUnpacker<26>.unpack(bytes, into: &values)
        case 27: unsafe InterleavedUnpacker<27>.unpack(bytes, into: &values)
        case 28: unsafe InterleavedUnpacker<28>.unpack(bytes, into: &values)
        case 29: unsafe InterleavedUnpacker<29>.unpack(bytes, into: &values)
        case 30: unsafe InterleavedUnpacker<30>.unpack(bytes, into: &values)
        case 31: unsafe InterleavedUnpacker<31>.unpack(bytes, into: &values)
        default: unsafe InterleavedUnpacker<32>.unpack(bytes, into: &values)
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

/// `MappedFile.unpackInterleaved` for one bit width. Four lanes are unpacked at once, in SIMD registers
/// (SSE2 on x86-64, NEON on ARM): the words at byte `16 * m` hold word `m` of each lane, so one vector load,
/// shift and mask give four consecutive values, where the horizontal layout needs them one by one. The loads
/// read the words as little-endian, as every platform Swift runs on stores them.
private enum InterleavedUnpacker<let width: Int> {
    @inline(__always)
    static func unpack<Values: InterleavedValues>(_ bytes: UnsafeRawPointer, into values: inout Values) {
        let mask = SIMD4<UInt32>(repeating: width == 32 ? ~0 : (1 << UInt32(width)) &- 1)
        // A local copy of the sink, written back at the end, stays in registers; the caller's (behind `inout`)
        // was stored to at every step.
        var sink = values
        defer { values = sink }
        // Values `4k ..< 4k + 4` start at bit `k * width` of their lanes. With `width` and `k` constants (the
        // calls below are written out so that they are), each vector is one or two loads, shifts and a mask.
        @inline(__always) func put(_ k: Int) {
            let bit = k &* width
            let word = bit &>> 5, shift = bit & 31
            var vector = unsafe bytes.loadUnaligned(fromByteOffset: word &<< 4, as: SIMD4<UInt32>.self) &>> UInt32(shift)
            if shift &+ width > 32 {
                // The two parts share no bit, so adding them is or-ing them; written as an or, the compiler
                // matched a funnel shift, which SSE2 lacks, and did it lane by lane in scalar registers.
                vector &+= unsafe bytes.loadUnaligned(fromByteOffset: (word &+ 1) &<< 4, as: SIMD4<UInt32>.self) &<< UInt32(32 &- shift)
            }
            sink.put(vector & mask, at: k)
        }
        put(0); put(1); put(2); put(3); put(4); put(5); put(6); put(7)
        put(8); put(9); put(10); put(11); put(12); put(13); put(14); put(15)
        put(16); put(17); put(18); put(19); put(20); put(21); put(22); put(23)
        put(24); put(25); put(26); put(27); put(28); put(29); put(30); put(31)
    }
}

/// Where `InterleavedUnpacker` puts the vectors it unpacks (a protocol so that each kind is specialised).
private protocol InterleavedValues {
    /// Values `4k ..< 4k + 4` of the lane (`k` below 32).
    mutating func put(_ vector: SIMD4<UInt32>, at k: Int)
}

/// Stores each vector.
@safe private struct StoredVectors: InterleavedValues {
    let output: UnsafeMutableRawPointer

    @unsafe init(output: UnsafeMutablePointer<UInt32>) { unsafe self.output = UnsafeMutableRawPointer(output) }

    @inline(__always)
    func put(_ vector: SIMD4<UInt32>, at k: Int) { unsafe output.storeBytes(of: vector, toByteOffset: k &<< 4, as: SIMD4<UInt32>.self) }
}

/// Stores running document numbers, as `RunningDocuments` does, four at a time: the gaps plus one are summed
/// in place, each lane then holding the sum of those up to it, and the last document before them is added.
@safe private struct RunningDocumentVectors: InterleavedValues {
    let output: UnsafeMutableRawPointer
    /// The last document so far, in every lane (kept as a vector: taken out as a scalar at each step, the
    /// compiler unpacked the whole sum into scalar code).
    var previous: SIMD4<UInt32>

    @unsafe init(output: UnsafeMutablePointer<UInt32>, last: UInt32) {
        unsafe self.output = UnsafeMutableRawPointer(output)
        previous = SIMD4(repeating: last)
    }

    var last: UInt32 { previous[0] }

    @inline(__always)
    mutating func put(_ vector: SIMD4<UInt32>, at k: Int) {
        var sums = vector &+ SIMD4(repeating: 1)
        // The sum in two steps, in forms the compiler keeps in vector instructions (lane moves written as
        // `SIMD4(0, s[0], s[1], s[2])` came out as scalar code or long shuffles, 50% more instructions a
        // block): each lane pair's high lane gains its low lane (a 64-bit shift of the pairs by 32 bits),
        // then the high pair gains the low pair's sum (lane 1 broadcast, the low pair masked off).
        sums &+= unsafe unsafeBitCast(unsafe unsafeBitCast(sums, to: SIMD2<UInt64>.self) &<< 32, to: SIMD4<UInt32>.self)
        sums &+= SIMD4(repeating: sums[1]) & SIMD4(0, 0, ~0, ~0)
        sums &+= previous
        previous = SIMD4(repeating: sums[3])
        unsafe output.storeBytes(of: sums, toByteOffset: k &<< 4, as: SIMD4<UInt32>.self)
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

/// Stores, for each value, the running sum before it, then adds the value and its addend (see
/// `MappedFile.unpackRunningStarts`). 64-bit sums: no total of 128 pairs of 32-bit values can wrap.
@safe private struct RunningStarts: UnpackedValues {
    let addends: UnsafePointer<UInt32>
    let output: UnsafeMutablePointer<UInt32>
    var running: UInt64 = 0

    @unsafe init(addends: UnsafePointer<UInt32>, output: UnsafeMutablePointer<UInt32>) {
        unsafe self.addends = addends
        unsafe self.output = output
    }

    @inline(__always)
    mutating func put(_ value: UInt32, at i: Int) {
        unsafe output[i] = UInt32(truncatingIfNeeded: running)
        running &+= UInt64(unsafe addends[i]) &+ UInt64(value)
    }
}

/// Bit packing of small unsigned integers (frame of reference): `count` values at a common bit width,
/// least significant bit first, in `ceil(count * width / 8)` bytes.
enum BitPacking {
    static func byteCount(_ count: Int, width: Int) -> Int { (count * width + 7) / 8 }

    /// The number of bits needed for the largest value.
    static func width<C: Collection>(of values: C) -> Int where C.Element == UInt32 {
        let maximum = values.max() ?? 0
        return maximum == 0 ? 0 : 32 - maximum.leadingZeroBitCount
    }

    /// Whether a lane of `count` document gaps at `width` bits is interleaved: a whole block's (see
    /// `packGaps`); a list's last, shorter block is packed as `pack` packs.
    @inline(__always)
    static func isInterleaved(_ count: Int, width: Int) -> Bool { count == postingsBlockSize && width > 0 }

    /// Appends a block's document gaps at `width` bits to `output`. A whole block of 128 is interleaved in
    /// four lanes, as SIMD-BP128 lays them out (and tantivy's 4-lane bit packer): value `i` belongs to lane
    /// `i % 4`, whose 32 values are packed least significant bit first into `width` 32-bit words, and word
    /// `m` of lane `j` is stored little-endian at byte `16 * m + 4 * j`. It takes the bytes `pack` would,
    /// `16 * width`, and unpacks four values at a time (`MappedFile.unpackDocuments`). Shorter lanes are
    /// packed as `pack` packs them.
    static func packGaps<C: Collection>(_ values: C, width: Int, into output: inout [UInt8]) where C.Element == UInt32 {
        guard isInterleaved(values.count, width: width), width <= 32 else { return pack(values, width: width, into: &output) }
        var words = [UInt32](repeating: 0, count: 4 * width)
        for (i, value) in values.enumerated() {
            let lane = i & 3, bit = (i >> 2) * width
            let word = bit >> 5, shift = bit & 31
            words[4 * word + lane] |= value << UInt32(shift)
            if shift + width > 32 { words[4 * (word + 1) + lane] |= value >> UInt32(32 - shift) }
        }
        for word in words { output.appendLittleEndian(word) }
    }

    /// Appends `values` packed at `width` bits to `output`.
    static func pack<C: Collection>(_ values: C, width: Int, into output: inout [UInt8]) where C.Element == UInt32 {
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

