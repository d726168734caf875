import Glibc

/// An `errno` value, captured right after a failing system call.
public struct Errno: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The raw C value, as in `<errno.h>`.
    public let rawValue: CInt

    public init(rawValue: CInt) { self.rawValue = rawValue }

    /// The calling thread's current `errno`.
    static var current: Errno { Errno(rawValue: errno) }

    static let interrupted = Errno(rawValue: EINTR)
    static let noSuchFile = Errno(rawValue: ENOENT)
    static let isDirectory = Errno(rawValue: EISDIR)

    /// The C library's message for this value, e.g. "No such file or directory".
    public var description: String {
        guard let message = unsafe strerror(rawValue) else { return "errno \(rawValue)" }
        return unsafe String(cString: message)
    }
}

/// Errors of the storage layer: a failing system call, or bytes that are not what their format promises.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `operation` ("open", "read", "mmap", ...) failed on `path` with `errno`.
    case io(operation: String, path: String, errno: Errno)
    /// A compressed stream (gzip/DEFLATE) is damaged or cut short.
    case badCompressedData(path: String, reason: String)

    public var description: String {
        switch self {
        case let .io(operation, path, errno): return "\(path): cannot \(operation): \(errno)"
        case let .badCompressedData(path, reason): return "\(path): damaged compressed data: \(reason)"
        }
    }
}

/// Thin, typed wrappers over the Glibc calls the project uses. Every call retries on `EINTR`.
enum SystemCalls {
    /// Opens `path` read-only.
    static func openForReading(_ path: String) throws(StorageError) -> CInt {
        while true {
            let fd = unsafe open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 { return fd }
            let error = Errno.current
            if error != .interrupted { throw .io(operation: "open", path: path, errno: error) }
        }
    }

    /// Reads up to `buffer.count` bytes at the file position; 0 means end of file.
    static func read(_ fd: CInt, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(StorageError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = unsafe Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            let error = Errno.current
            if error != .interrupted { throw .io(operation: "read", path: path, errno: error) }
        }
    }

    static func close(_ fd: CInt) { _ = Glibc.close(fd) }

    /// What `stat(2)` says of a path, following links.
    struct FileStatus {
        var isDirectory: Bool
        var isRegularFile: Bool
        var size: Int
    }

    static func status(_ path: String) throws(StorageError) -> FileStatus {
        var info = stat()
        guard unsafe stat(path, &info) == 0 else {
            throw .io(operation: "stat", path: path, errno: .current)
        }
        let kind = info.st_mode & S_IFMT
        return FileStatus(isDirectory: kind == S_IFDIR, isRegularFile: kind == S_IFREG, size: Int(info.st_size))
    }

    /// The names in a directory (without "." and ".."), sorted by their UTF-8 bytes.
    static func directoryEntries(_ path: String) throws(StorageError) -> [String] {
        guard let dir = unsafe opendir(path) else {
            throw .io(operation: "list directory", path: path, errno: .current)
        }
        defer { unsafe closedir(dir) }
        var names: [String] = []
        while let entry = unsafe readdir(dir) {
            let name = unsafe withUnsafePointer(to: entry.pointee.d_name) { tuple in
                unsafe tuple.withMemoryRebound(to: CChar.self, capacity: 256) { unsafe String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
