/// LEB128 variable-length integers: 7 bits a byte, low bits first, high bit set on all but the last byte.
enum VarInt {
    static func append(_ value: UInt64, to output: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        output.append(UInt8(v))
    }

    static func append(_ value: Int, to output: inout [UInt8]) { append(UInt64(value), to: &output) }

    /// Decodes a varint from `bytes` at `offset`, advancing it; nil when the bytes end first or it overflows.
    static func read(_ bytes: [UInt8], at offset: inout Int) -> UInt64? {
        read(bytes.span, at: &offset)
    }

    /// Steps over `count` varints of `bytes` starting at `offset`; false when the bytes end first.
    @inline(__always)
    static func skip(_ count: Int, in bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int) -> Bool {
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
    static func read(_ bytes: Span<UInt8>, at offset: inout Int) -> UInt64? {
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
