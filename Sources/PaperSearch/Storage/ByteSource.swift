/// A source of bytes read front to back: a plain file, or a gzip stream decoded on the fly.
protocol ByteSource {
    /// A name for messages (the file's path).
    var name: String { get }
    /// Appends up to `maxCount` bytes to `buffer` and returns how many; 0 only at the end of the data.
    func read(appendingTo buffer: inout [UInt8], maxCount: Int) throws(StorageError) -> Int
}

/// The bytes of a file, read with `read(2)`; the descriptor closes when the object goes away.
final class FileByteSource: ByteSource {
    let name: String
    private let descriptor: CInt
    /// The bytes read from the file so far (for progress reports).
    private(set) var bytesRead = 0

    init(path: String) throws(StorageError) {
        name = path
        descriptor = try SystemCalls.openForReading(path)
    }

    deinit { SystemCalls.close(descriptor) }

    func read(appendingTo buffer: inout [UInt8], maxCount: Int) throws(StorageError) -> Int {
        var failure: StorageError?
        let chunk = unsafe [UInt8](unsafeUninitializedCapacity: maxCount) { bytes, initialized in
            do throws(StorageError) {
                initialized = try unsafe SystemCalls.read(descriptor, into: UnsafeMutableRawBufferPointer(bytes), path: name)
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        buffer.append(contentsOf: chunk)
        bytesRead += chunk.count
        return chunk.count
    }

    /// Reads a whole file into memory; more than `limit` bytes is an error (`StorageError.tooLarge`), so that
    /// a file such as /dev/zero cannot take all memory.
    static func readAll(path: String, limit: Int) throws(StorageError) -> [UInt8] {
        let source = try FileByteSource(path: path)
        var bytes: [UInt8] = []
        while try source.read(appendingTo: &bytes, maxCount: min(1 << 16, limit + 1 - bytes.count)) > 0 {
            if bytes.count > limit { throw .tooLarge(path: path, limit: limit) }
        }
        return bytes
    }
}

/// A file opened for streaming: its bytes as stored, or decoded from gzip when the file starts with the
/// gzip magic bytes. An enum rather than an existential, so that reads stay direct calls.
enum FileStream: ByteSource {
    case plain(FileByteSource, Prefix)
    case gzip(GzipDecoder)

    /// Bytes read while sniffing the format, handed out before the rest of the file.
    final class Prefix {
        var bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    static func open(path: String) throws(StorageError) -> FileStream {
        let file = try FileByteSource(path: path)
        var head: [UInt8] = []
        while head.count < 2, try file.read(appendingTo: &head, maxCount: 2 - head.count) > 0 {}
        if head == GzipDecoder.magic {
            return .gzip(GzipDecoder(file: file))
        }
        return .plain(file, Prefix(head))
    }

    var name: String {
        switch self {
        case let .plain(file, _): return file.name
        case let .gzip(decoder): return decoder.name
        }
    }

    /// The bytes read from the file so far, compressed ones for a gzip file (for progress reports).
    var fileBytesRead: Int {
        switch self {
        case let .plain(file, _): return file.bytesRead
        case let .gzip(decoder): return decoder.fileBytesRead
        }
    }

    /// Whether the file is gzip-compressed.
    var isCompressed: Bool {
        if case .gzip = self { return true }
        return false
    }

    func read(appendingTo buffer: inout [UInt8], maxCount: Int) throws(StorageError) -> Int {
        switch self {
        case let .plain(file, prefix):
            if !prefix.bytes.isEmpty {
                let n = min(maxCount, prefix.bytes.count)
                buffer.append(contentsOf: prefix.bytes[..<n])
                prefix.bytes.removeFirst(n)
                return n
            }
            return try file.read(appendingTo: &buffer, maxCount: maxCount)
        case let .gzip(decoder):
            return try decoder.read(appendingTo: &buffer, maxCount: maxCount)
        }
    }
}
