import Glibc

/// Fast byte search over spans, with `memchr` (vectorised in the C library).
package enum ByteSearch {
    /// The index of the first `byte` in `bytes[from...]`, or nil.
    package static func firstIndex(of byte: UInt8, in bytes: Span<UInt8>, from: Int) -> Int? {
        guard from < bytes.count else { return nil }
        return unsafe bytes.withUnsafeBufferPointer { buffer -> Int? in
            guard let base = buffer.baseAddress,
                  let hit = unsafe memchr(base + from, Int32(byte), buffer.count - from)
            else { return nil }
            return unsafe UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
        }
    }
}
