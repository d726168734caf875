/// The checksum searches verify as they first read each postings block, each block's positions, each term
/// dictionary block and each stored record (`VerifiedRegions` remembers the regions that matched while the
/// index is open), and (when an index opens) of the norms and the dictionary's index.
///
/// It must cost next to nothing beside decoding, so it is Fletcher's checksum over 64-bit little-endian
/// words with wrapping arithmetic (the last partial word zero-padded), finished with a multiply-xorshift
/// and folded to 32 bits:
///
///     sum = seed ^ length, running = 0;  for each word w: sum &+= w, running &+= sum
///     h = (sum ^ (running &* 0x9E3779B97F4A7C15)) &* 0xBF58476D1CE4E5B9;  checksum = UInt32(h >> 32) ^ UInt32(h)
///
/// The two sums advance one add each per eight bytes, so it runs at about a word a cycle. Any change to a
/// single word changes `sum`, and any reordering of words changes `running`; what the 32-bit fold hides
/// is a chance of about one in 2^32, as for a CRC-32. (The whole-file checksums that `verify` recomputes
/// stay CRC-32, the footer's.)
enum BlockChecksum {
    private static let seed: UInt64 = 0x5053_4958_424C_4B31  // "PSIXBLK1"

    /// The checksum of `count` bytes at `bytes`. With `overReading`, the caller vouches that the 8 bytes after
    /// them may be read: the last partial word is then one load, masked to the bytes it holds of the range,
    /// instead of a byte at a time (a sixth of a postings block's checksum).
    @inline(__always)
    static func of(_ bytes: UnsafeRawPointer, count: Int, overReading: Bool = false) -> UInt32 {
        var sum = seed ^ UInt64(count), running: UInt64 = 0
        var index = 0
        // Four words a step: the same sums, with a third of the loop's own instructions.
        while index &+ 32 <= count {
            sum &+= unsafe UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            running &+= sum
            sum &+= unsafe UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self))
            running &+= sum
            sum &+= unsafe UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index &+ 16, as: UInt64.self))
            running &+= sum
            sum &+= unsafe UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index &+ 24, as: UInt64.self))
            running &+= sum
            index &+= 32
        }
        while index &+ 8 <= count {
            sum &+= unsafe UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            running &+= sum
            index &+= 8
        }
        if index < count {
            var last: UInt64 = 0
            if overReading {
                // 1 to 7 bytes of the range: the same zero-padded word.
                let word = unsafe UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                last = word & ((1 &<< (UInt64(count &- index) &<< 3)) &- 1)
            } else {
                var shift: UInt64 = 0
                while index < count {
                    last |= UInt64(unsafe bytes.load(fromByteOffset: index, as: UInt8.self)) &<< shift
                    shift &+= 8
                    index &+= 1
                }
            }
            sum &+= last
            running &+= sum
        }
        return finish(sum, running)
    }

    @inline(__always)
    private static func finish(_ sum: UInt64, _ running: UInt64) -> UInt32 {
        let mixed = (sum ^ (running &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        return UInt32(truncatingIfNeeded: mixed >> 32) ^ UInt32(truncatingIfNeeded: mixed)
    }

    /// The checksum of a buffer's bytes.
    static func of(_ buffer: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = buffer.baseAddress else { return finish(seed, 0) }
        return unsafe of(base, count: buffer.count)
    }

    /// The checksum of a slice of bytes (for writers).
    static func of(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        unsafe bytes.withUnsafeBytes { unsafe of($0) }
    }

    static func of(_ bytes: [UInt8]) -> UInt32 { of(bytes[...]) }
}
