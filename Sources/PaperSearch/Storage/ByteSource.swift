/// A source of bytes read front to back: a plain file, or a gzip stream decoded on the fly.
protocol ByteSource {
    /// A name for messages (the file's path).
    var name: String { get }
    /// Appends up to `maxCount` bytes to `buffer` and returns how many; 0 only at the end of the data.
    func read(appendingTo buffer: inout [UInt8], maxCount: Int) throws(StorageError) -> Int
}

/// An input opened once, whatever it is, so that it can be read from the start any number of times:
///
/// - a regular file is read with `pread(2)`, each reader at its own offset;
/// - anything else (a pipe, a FIFO, standard input, a character device) is read once: what comes out of it is
///   appended to an anonymous temporary file (created and unlinked at once, so that nothing is left behind
///   even after a crash), and a later pass reads that copy, then the rest of the input as it arrives.
///
/// So a FIFO is opened once (a second open would wait forever for a writer), and `<(cat file)` reads the
/// same in every pass.
final class InputFile: @unchecked Sendable {
    // @unchecked Sendable: used by one thread at a time (a corpus is read by one thread).
    let path: String
    private let descriptor: CInt
    private let isRegular: Bool
    /// The copy of a non-regular input, and how much of it holds data.
    private var spool: CInt = -1
    private var spooledLength = 0
    private var inputEnded = false

    /// Opens `path` for reading.
    init(path: String) throws(StorageError) {
        self.path = path
        descriptor = try SystemCalls.openForReading(path)
        isRegular = (try? SystemCalls.descriptorIsRegularFile(descriptor)) ?? false
    }

    deinit {
        SystemCalls.close(descriptor)
        if spool >= 0 { SystemCalls.close(spool) }
    }

    /// Reads up to `buffer.count` bytes at `offset`; 0 only at the end.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(StorageError) -> Int {
        if isRegular { return try SystemCalls.read(descriptor, at: offset, into: buffer, path: path) }
        if offset < spooledLength {
            let wanted = unsafe UnsafeMutableRawBufferPointer(rebasing: buffer[..<min(buffer.count, spooledLength - offset)])
            return try SystemCalls.read(spool, at: offset, into: wanted, path: path)
        }
        guard !inputEnded else { return 0 }
        let count = try SystemCalls.read(descriptor, into: buffer, path: path)
        if count == 0 {
            inputEnded = true
            return 0
        }
        if spool < 0 { spool = try SystemCalls.anonymousTemporaryFile() }
        try unsafe SystemCalls.write(spool, at: spooledLength, UnsafeRawBufferPointer(rebasing: buffer[..<count]), path: path)
        spooledLength += count
        // A reader that is not at the end of the copy gets its bytes from the copy, so only a reader at the end
        // reads the input; `offset == spooledLength` before this read, so the bytes are exactly the new ones.
        return count
    }
}

/// The bytes of an input from its start: a new pass over an `InputFile`.
final class FileByteSource: ByteSource {
    let input: InputFile
    var name: String { input.path }
    /// The bytes read so far (for progress reports).
    private(set) var bytesRead = 0

    init(input: InputFile) { self.input = input }

    /// Opens `path` and reads it from the start.
    convenience init(path: String) throws(StorageError) {
        self.init(input: try InputFile(path: path))
    }

    func read(appendingTo buffer: inout [UInt8], maxCount: Int) throws(StorageError) -> Int {
        var failure: StorageError?
        let input = self.input, offset = bytesRead
        let chunk = unsafe [UInt8](unsafeUninitializedCapacity: maxCount) { bytes, initialized in
            do throws(StorageError) {
                initialized = try unsafe input.read(at: offset, into: UnsafeMutableRawBufferPointer(bytes))
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
        try open(try InputFile(path: path))
    }

    /// A new pass over an input opened before.
    static func open(_ input: InputFile) throws(StorageError) -> FileStream {
        let file = FileByteSource(input: input)
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
