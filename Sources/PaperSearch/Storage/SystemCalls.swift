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
    /// An input is larger than what is read of it at most.
    case tooLarge(path: String, limit: Int)

    public var description: String {
        switch self {
        case let .io(operation, path, errno): return "\(path): cannot \(operation): \(errno)"
        case let .badCompressedData(path, reason): return "\(path): damaged compressed data: \(reason)"
        case let .tooLarge(path, limit): return "\(path): larger than \(StorageError.size(limit)), the most that is read of such a file"
        }
    }
}

extension StorageError {
    /// The message without the path (callers print the path themselves).
    package var reason: String {
        switch self {
        case let .io(operation, _, errno): return "cannot \(operation): \(errno)"
        case let .badCompressedData(_, reason): return "damaged compressed data: \(reason)"
        case let .tooLarge(_, limit): return "larger than \(StorageError.size(limit)), the most that is read of it"
        }
    }

    /// 1048576 -> "1 MiB", for messages about limits.
    package static func size(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}

/// Thin, typed wrappers over the Glibc calls the project uses. Every call retries on `EINTR`.
package enum SystemCalls {
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

    /// Reads up to `buffer.count` bytes at `offset` (`pread(2)`); 0 means end of file.
    static func read(_ fd: CInt, at offset: Int, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(StorageError) -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = unsafe pread(fd, buffer.baseAddress, buffer.count, off_t(offset))
            if n >= 0 { return n }
            let error = Errno.current
            if error != .interrupted { throw .io(operation: "read", path: path, errno: error) }
        }
    }

    /// Writes all of `buffer` at `offset` (`pwrite(2)`).
    static func write(_ fd: CInt, at offset: Int, _ buffer: UnsafeRawBufferPointer, path: String) throws(StorageError) {
        var done = 0
        while done < buffer.count {
            guard let base = buffer.baseAddress else { return }
            let n = unsafe pwrite(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                let error = Errno.current
                if error == .interrupted { continue }
                throw .io(operation: "write", path: path, errno: error)
            }
            done += n
        }
    }

    static func close(_ fd: CInt) { _ = Glibc.close(fd) }

    /// Whether an open descriptor is a regular file (not a pipe, FIFO, socket or device).
    static func descriptorIsRegularFile(_ fd: CInt) throws(StorageError) -> Bool {
        var info = stat()
        guard unsafe fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: "descriptor \(fd)", errno: .current) }
        return info.st_mode & S_IFMT == S_IFREG
    }

    /// The folder for temporary files: `$TMPDIR`, else /tmp.
    static var temporaryDirectory: String {
        if let value = unsafe getenv("TMPDIR"), unsafe value.pointee != 0 { return unsafe String(cString: value) }
        return "/tmp"
    }

    /// A new temporary file opened for reading and writing, already unlinked: it has no name, and the system
    /// reclaims it when the descriptor closes, even if the process is killed.
    static func anonymousTemporaryFile() throws(StorageError) -> CInt {
        var template = Array((temporaryDirectory + "/papersearch-XXXXXX").utf8CString)
        let fd = unsafe template.withUnsafeMutableBufferPointer { buffer -> CInt in
            guard let base = buffer.baseAddress else { return -1 }
            return unsafe mkstemp(base)
        }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard fd >= 0 else { throw .io(operation: "create a temporary file", path: path, errno: .current) }
        _ = unsafe unlink(path)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// What `stat(2)` says of a path, following links.
    struct FileStatus {
        var isDirectory: Bool
        var isRegularFile: Bool
        var size: Int
        /// Device and inode: the same file reached by two paths has the same identity.
        var identity: FileIdentity
        /// The last modification, in nanoseconds since 1970.
        var modified: Int
    }

    struct FileIdentity: Hashable { var device: UInt64; var inode: UInt64 }

    static func status(_ path: String) throws(StorageError) -> FileStatus {
        var info = stat()
        guard unsafe stat(path, &info) == 0 else {
            throw .io(operation: "stat", path: path, errno: .current)
        }
        let kind = info.st_mode & S_IFMT
        return FileStatus(isDirectory: kind == S_IFDIR, isRegularFile: kind == S_IFREG, size: Int(info.st_size),
                          identity: FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)),
                          modified: Int(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int(info.st_mtim.tv_nsec))
    }

    /// The working directory, absolute.
    static func currentDirectory() throws(StorageError) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard unsafe getcwd(&buffer, buffer.count) != nil else {
            throw .io(operation: "find the working directory", path: ".", errno: .current)
        }
        return unsafe String(cString: buffer)
    }

    /// The CRC-32 of a file's bytes.
    static func fileChecksum(_ path: String) throws(StorageError) -> UInt32 {
        // Read in chunks, not mapped: a mapping of a corpus file would count, whole, in the process's
        // resident memory.
        let fd = try openForReading(path)
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { unsafe buffer.deallocate() }
        var crc = CRC32()
        while true {
            let count = try unsafe read(fd, into: buffer, path: path)
            guard count > 0 else { return crc.value }
            unsafe crc.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
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

extension SystemCalls {
    /// Creates (or truncates) `path` for writing, mode 0644.
    static func createForWriting(_ path: String) throws(StorageError) -> CInt {
        while true {
            let fd = unsafe open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd >= 0 { return fd }
            let error = Errno.current
            if error != .interrupted { throw .io(operation: "create", path: path, errno: error) }
        }
    }

    /// Writes all of `buffer`, retrying short writes.
    static func writeAll(_ fd: CInt, _ buffer: UnsafeRawBufferPointer, path: String) throws(StorageError) {
        var offset = 0
        while offset < buffer.count {
            guard let base = buffer.baseAddress else { return }
            let n = unsafe Glibc.write(fd, base + offset, buffer.count - offset)
            if n < 0 {
                let error = Errno.current
                if error == .interrupted { continue }
                throw .io(operation: "write", path: path, errno: error)
            }
            offset += n
        }
    }

    /// Flushes a file's data to the disk.
    static func sync(_ fd: CInt, path: String) throws(StorageError) {
        while fsync(fd) != 0 {
            let error = Errno.current
            if error != .interrupted { throw .io(operation: "sync", path: path, errno: error) }
        }
    }

    /// Flushes a directory entry list (after creating or renaming files in it).
    static func syncDirectory(_ path: String) throws(StorageError) {
        let fd = unsafe open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open directory", path: path, errno: .current) }
        defer { close(fd) }
        try sync(fd, path: path)
    }

    /// What is at `path` (following links): nothing, a directory, or something else.
    enum Kind { case directory, other }

    static func kind(_ path: String) throws(StorageError) -> Kind? {
        var info = stat()
        guard unsafe stat(path, &info) == 0 else {
            let error = Errno.current
            if error == .noSuchFile { return nil }
            throw .io(operation: "stat", path: path, errno: error)
        }
        return info.st_mode & S_IFMT == S_IFDIR ? .directory : .other
    }

    /// Creates `path` and any missing parents (as `mkdir -p`); returns the directories it created, outermost
    /// first.
    static func makeDirectories(_ path: String) throws(StorageError) -> [String] {
        var missing: [String] = []
        var current = path
        while !current.isEmpty, current != "/", try kind(current) == nil {
            missing.append(current)
            guard let slash = current.lastIndex(of: "/") else { break }
            current = String(current[..<slash])
        }
        var created: [String] = []
        for directory in missing.reversed() {
            do { try makeDirectory(directory) } catch {
                for made in created.reversed() { try? removeEmptyDirectory(made) }
                throw error
            }
            created.append(directory)
        }
        return created
    }

    /// Removes an empty directory (fails, leaving it, when anything is in it).
    static func removeEmptyDirectory(_ path: String) throws(StorageError) {
        guard unsafe rmdir(path) == 0 else { throw .io(operation: "remove directory", path: path, errno: .current) }
    }

    static func makeDirectory(_ path: String) throws(StorageError) {
        if unsafe mkdir(path, 0o755) != 0 {
            let error = Errno.current
            if error.rawValue == EEXIST, (try? status(path))?.isDirectory == true { return }
            throw .io(operation: "create directory", path: path, errno: error)
        }
    }

    /// Atomically replaces `to` with `from` (same file system).
    static func rename(_ from: String, _ to: String) throws(StorageError) {
        guard unsafe Glibc.rename(from, to) == 0 else { throw .io(operation: "rename to \(to)", path: from, errno: .current) }
    }

    static func removeFile(_ path: String) throws(StorageError) {
        guard unsafe unlink(path) == 0 else { throw .io(operation: "remove", path: path, errno: .current) }
    }

    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return unsafe lstat(path, &info) == 0
    }

    /// Free bytes on the file system holding `path`.
    static func freeSpace(_ path: String) -> Int? {
        var info = statvfs()
        guard unsafe statvfs(path, &info) == 0 else { return nil }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    /// The process id, for naming temporary files.
    static var processID: Int32 { getpid() }
}

/// The C library's mathematical functions that the standard library lacks.
package enum Math {
    /// The natural logarithm.
    package static func log(_ x: Double) -> Double { Glibc.log(x) }
    /// e raised to `x`.
    package static func exp(_ x: Double) -> Double { Glibc.exp(x) }
}

extension SystemCalls {
    /// The current time as `YYYY-MM-DDTHH:MM:SSZ`.
    static func currentTimeISO8601() -> String {
        var now = time(nil)
        var parts = unsafe tm()
        _ = unsafe gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let (year, month, day) = unsafe (parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday)
        let (hour, minute, second) = unsafe (parts.tm_hour, parts.tm_min, parts.tm_sec)
        return "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z"
    }

    /// Seconds since an arbitrary start, for progress rates.
    package static func monotonicSeconds() -> Double {
        var spec = timespec()
        unsafe clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Writes a small file completely and syncs it.
    package static func writeFile(_ path: String, _ bytes: [UInt8]) throws(StorageError) {
        let output = try FileOutput(path: path)
        try output.write(bytes)
        try output.finish()
    }
}

/// An exclusive lock on a file (`flock`), held while the object lives.
final class FileLock {
    private let descriptor: CInt

    /// Takes the lock, or returns nil at once if another process holds it.
    ///
    /// A failed first build removes its lock file; a process that opened the file just before and locked it
    /// just after would hold a lock on a file no longer in the folder. So the lock counts only if the path
    /// still names the locked file; otherwise the new file is tried.
    init?(path: String) throws(StorageError) {
        while true {
            let fd = unsafe open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw .io(operation: "open lock file", path: path, errno: .current) }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let error = Errno.current
                SystemCalls.close(fd)
                if error.rawValue == EWOULDBLOCK { return nil }
                throw .io(operation: "lock", path: path, errno: error)
            }
            var held = stat(), named = stat()
            if unsafe fstat(fd, &held) == 0, unsafe stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev {
                descriptor = fd
                return
            }
            SystemCalls.close(fd)
        }
    }

    deinit {
        _ = flock(descriptor, LOCK_UN)
        SystemCalls.close(descriptor)
    }
}

extension SystemCalls {
    /// Processors available to this process.
    static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// The C library's allocator, tuned for long batch work.
package enum MemoryAllocator {
    /// `mallopt(3)`, which Swift's Glibc module does not export (it lives in <malloc.h>).
    @_silgen_name("mallopt")
    private static func mallopt(_ parameter: CInt, _ value: CInt) -> CInt

    /// Makes freed memory go back to the system at once: blocks from 256 KiB are mapped on their own, and
    /// free memory beyond 128 KiB at the top of the heap is returned. By default glibc raises both
    /// thresholds as a program frees large blocks and keeps up to 32 MiB per thread arena, so the peak of
    /// a build would follow its past peaks rather than its memory budget. For process-wide use by a tool
    /// that builds indexes; a search-only program need not call it.
    package static func returnFreedMemoryPromptly() {
        _ = mallopt(-3, 256 << 10)  // M_MMAP_THRESHOLD
        _ = mallopt(-1, 128 << 10)  // M_TRIM_THRESHOLD
    }
}

/// File-system questions the command-line tool asks.
package enum FileSystem {
    /// Whether `path` names a directory (following links).
    package static func isDirectory(_ path: String) -> Bool {
        (try? SystemCalls.kind(path)) == .directory
    }
}
