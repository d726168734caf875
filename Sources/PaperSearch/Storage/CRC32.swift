/// CRC-32 as in zlib, gzip and PNG (IEEE 802.3 polynomial, reflected, initial and final XOR 0xFFFFFFFF).
///
/// Table-driven, slicing by eight bytes at a time. `CRC32().updating(bytes).value` equals zlib's
/// `crc32(0, bytes, n)`; the check value of the ASCII digits "123456789" is 0xCBF43926.
struct CRC32: Sendable, Equatable {
    private var state: UInt32 = 0xFFFF_FFFF

    init() {}

    /// The checksum of everything added so far.
    var value: UInt32 { state ^ 0xFFFF_FFFF }

    /// The checksum of `bytes` alone.
    static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }

    /// Adds bytes to the running checksum.
    mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let handled: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            unsafe update(UnsafeRawBufferPointer(buffer))
        }
        if handled == nil {
            for byte in bytes { state = CRC32.table[Int(UInt8(truncatingIfNeeded: state) ^ byte)] ^ (state >> 8) }
        }
    }

    /// Adds raw bytes to the running checksum.
    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        var crc = state
        var index = 0
        let count = buffer.count
        unsafe CRC32.table.withUnsafeBufferPointer { table in
            // Eight bytes a step: the low four fold into the running CRC, the high four are looked up directly
            // in the tables for "this byte followed by k zero bytes".
            while index + 8 <= count {
                let low = unsafe UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: index, as: UInt32.self)) ^ crc
                let high = unsafe UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
                crc = unsafe table[7 << 8 | Int(low & 0xFF)] ^ table[6 << 8 | Int((low >> 8) & 0xFF)]
                    ^ table[5 << 8 | Int((low >> 16) & 0xFF)] ^ table[4 << 8 | Int(low >> 24)]
                    ^ table[3 << 8 | Int(high & 0xFF)] ^ table[2 << 8 | Int((high >> 8) & 0xFF)]
                    ^ table[1 << 8 | Int((high >> 16) & 0xFF)] ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = unsafe table[Int(UInt8(truncatingIfNeeded: crc) ^ buffer[index])] ^ (crc >> 8)
                index += 1
            }
        }
        state = crc
    }

    /// Eight tables of 256 entries, flattened: entry `k << 8 | b` is the CRC of byte `b` followed by `k` zero
    /// bytes; `k = 0` is the classic byte-at-a-time table.
    private static let table: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            table[byte] = crc
        }
        for byte in 0..<256 {
            var crc = table[byte]
            for k in 1..<8 {
                crc = table[Int(crc & 0xFF)] ^ (crc >> 8)
                table[k << 8 | byte] = crc
            }
        }
        return table
    }()
}
