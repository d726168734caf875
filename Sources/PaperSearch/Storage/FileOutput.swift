import Glibc

/// A file being written front to back: buffered, with a running CRC-32 of every byte, so that the footer's
/// checksum costs no second pass. `finish()` writes the buffer, syncs and closes; a value dropped without
/// `finish()` closes the descriptor (the caller removes the half-written file).
final class FileOutput {
    let path: String
    private var descriptor: CInt
    private var buffer: [UInt8] = []
    private var crc = CRC32()
    /// Bytes written so far (flushed or buffered).
    private(set) var count = 0
    private static let bufferSize = 1 << 20

    init(path: String) throws(StorageError) {
        self.path = path
        descriptor = try SystemCalls.createForWriting(path)
        buffer.reserveCapacity(FileOutput.bufferSize)
    }

    deinit { if descriptor >= 0 { SystemCalls.close(descriptor) } }

    /// The CRC-32 of everything written so far (flushed or buffered).
    var checksum: UInt32 {
        var running = crc
        running.update(buffer)
        return running.value
    }

    func write(_ bytes: [UInt8]) throws(StorageError) {
        if bytes.count >= FileOutput.bufferSize / 4 {
            // Large writes skip the buffer: one copy fewer.
            try flush()
            count += bytes.count
            try writeThrough(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
        count += bytes.count
        if buffer.count >= FileOutput.bufferSize { try flush() }
    }

    func write(_ byte: UInt8) throws(StorageError) {
        buffer.append(byte)
        count += 1
        if buffer.count >= FileOutput.bufferSize { try flush() }
    }

    func writeUInt16(_ value: UInt16) throws(StorageError) { try writeInteger(value) }
    func writeUInt32(_ value: UInt32) throws(StorageError) { try writeInteger(value) }
    func writeUInt64(_ value: UInt64) throws(StorageError) { try writeInteger(value) }
    func writeFloat32(_ value: Float) throws(StorageError) { try writeInteger(value.bitPattern) }

    /// Little-endian, fixed width.
    func writeInteger<T: FixedWidthInteger>(_ value: T) throws(StorageError) {
        buffer.appendLittleEndian(value)
        count += T.bitWidth / 8
        if buffer.count >= FileOutput.bufferSize { try flush() }
    }

    /// Zero bytes up to the next multiple of `alignment`.
    func pad(to alignment: Int) throws(StorageError) {
        while count % alignment != 0 { try write(0) }
    }

    private func flush() throws(StorageError) {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try writeThrough(buffer)
    }

    /// Adds `bytes` to the checksum and writes them to the file.
    private func writeThrough(_ bytes: [UInt8]) throws(StorageError) {
        unsafe bytes.withUnsafeBytes { unsafe crc.update($0) }
        let fd = descriptor, path = self.path
        var failure: StorageError?
        unsafe bytes.withUnsafeBytes { raw in
            do throws(StorageError) { try unsafe SystemCalls.writeAll(fd, raw, path: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Writes what is buffered, syncs the file to disk (unless `sync` is false: a temporary file that a
    /// crash would make worthless anyway) and closes it. Returns the length and CRC-32 of the whole file.
    @discardableResult
    func finish(sync: Bool = true) throws(StorageError) -> (length: Int, crc32: UInt32) {
        try flush()
        if sync { try SystemCalls.sync(descriptor, path: path) }
        SystemCalls.close(descriptor)
        descriptor = -1
        return (count, crc.value)
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` little-endian, fixed width (the byte order of every index file).
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        var v = value
        for _ in 0..<(T.bitWidth / 8) {
            append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }
}
