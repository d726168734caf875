import Glibc

/// Buffered writing to standard output or standard error, for the command-line tool: output is collected and
/// written with `write(2)` in large pieces (JSON Lines of a million papers must not cost a call a line).
package final class OutputStream: @unchecked Sendable {
    private let descriptor: CInt
    private var buffer: [UInt8] = []
    private let flushThreshold = 1 << 16
    /// Whether the stream is a terminal (for colour, bold and progress lines).
    package let isTerminal: Bool

    package static let standardOutput = OutputStream(descriptor: 1)
    package static let standardError = OutputStream(descriptor: 2)

    private init(descriptor: CInt) {
        self.descriptor = descriptor
        isTerminal = isatty(descriptor) == 1
        buffer.reserveCapacity(flushThreshold * 2)
    }

    package func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= flushThreshold { flush() }
    }

    package func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushThreshold { flush() }
    }

    /// Writes `text` and a newline.
    package func line(_ text: String = "") {
        write(text)
        buffer.append(0x0A)
        if buffer.count >= flushThreshold { flush() }
    }

    /// Writes out everything buffered. A closed pipe (the reader went away) ends the process quietly,
    /// as `head` users expect.
    package func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = unsafe buffer.withUnsafeBytes { bytes -> Int in
                guard let base = bytes.baseAddress else { return 0 }
                return unsafe Glibc.write(descriptor, base + offset, bytes.count - offset)
            }
            if written < 0 {
                let error = Errno.current
                if error == .interrupted { continue }
                if error.rawValue == EPIPE { exit(0) }
                break
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Whether standard input is a terminal.
    package static var standardInputIsTerminal: Bool { isatty(0) == 1 }

    /// Reads all of standard input; more than `limit` bytes is an error (`/dev/zero` must not take all memory).
    package static func readStandardInput(limit: Int) throws(StorageError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = unsafe chunk.withUnsafeMutableBytes { unsafe Glibc.read(0, $0.baseAddress, $0.count) }
            if n < 0 && Errno.current == .interrupted { continue }
            if n < 0 { throw .io(operation: "read", path: "standard input", errno: .current) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[..<n])
            if bytes.count > limit { throw .tooLarge(path: "standard input", limit: limit) }
        }
        return bytes
    }
}
