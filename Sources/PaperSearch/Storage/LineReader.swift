import Glibc

/// Splits a byte stream into lines (at `\n`, with a trailing `\r` removed), reading in large chunks so that
/// memory stays flat however big the file is. A line longer than `maximumLineLength` is not kept: its first
/// bytes are returned with `isTruncated` set and the rest is skipped.
struct LineReader<Source: ByteSource> {
    /// One line: its bytes (valid until the next call to `next()`), its 1-based number, and whether it was cut.
    struct Line {
        var bytes: ArraySlice<UInt8>
        var number: Int
        var isTruncated: Bool
    }

    let source: Source
    let maximumLineLength: Int
    private var buffer: [UInt8] = []
    private var lineStart = 0
    private var scanned = 0
    private var atEnd = false
    private var lineNumber = 0
    private var skippingRestOfLine = false
    static var chunkSize: Int { 1 << 20 }

    init(source: Source, initialBytes: [UInt8] = [], maximumLineLength: Int = 64 << 20) {
        self.source = source
        self.maximumLineLength = maximumLineLength
        buffer = initialBytes
    }

    /// The number of bytes handed out so far (for progress reports).
    private(set) var bytesConsumed = 0

    mutating func next() throws(StorageError) -> Line? {
        while true {
            if let newline = findNewline() {
                let end = newline > lineStart && buffer[newline - 1] == 0x0D ? newline - 1 : newline
                let bytes = buffer[lineStart..<end]
                bytesConsumed += newline + 1 - lineStart
                lineStart = newline + 1
                scanned = lineStart
                lineNumber += 1
                if skippingRestOfLine {
                    skippingRestOfLine = false
                    continue
                }
                return Line(bytes: bytes, number: lineNumber, isTruncated: false)
            }
            if buffer.count - lineStart > maximumLineLength && !skippingRestOfLine {
                // Hand out the head of an over-long line once, then drop bytes until its end.
                let head = Array(buffer[lineStart..<(lineStart + min(256, buffer.count - lineStart))])
                bytesConsumed += buffer.count - lineStart
                buffer.removeAll(keepingCapacity: true)
                lineStart = 0
                scanned = 0
                skippingRestOfLine = true
                return Line(bytes: head[...], number: lineNumber + 1, isTruncated: true)
            }
            if atEnd {
                guard lineStart < buffer.count else { return nil }
                let bytes = buffer[lineStart...]
                bytesConsumed += buffer.count - lineStart
                lineStart = buffer.count
                scanned = lineStart
                lineNumber += 1
                if skippingRestOfLine { return nil }
                return Line(bytes: bytes, number: lineNumber, isTruncated: false)
            }
            if skippingRestOfLine {
                bytesConsumed += buffer.count - lineStart
                buffer.removeAll(keepingCapacity: true)
                lineStart = 0
                scanned = 0
            } else if lineStart > 0 {
                buffer.removeSubrange(0..<lineStart)
                scanned -= lineStart
                lineStart = 0
            }
            if try source.read(appendingTo: &buffer, maxCount: Self.chunkSize) == 0 { atEnd = true }
        }
    }

    /// The index of the next `\n` at or after `scanned`, remembering how far the search went.
    private mutating func findNewline() -> Int? {
        let count = buffer.count
        guard scanned < count else { return nil }
        let from = scanned
        let found: Int? = unsafe buffer.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress,
                  let hit = unsafe memchr(base + from, 0x0A, count - from)
            else { return nil }
            return unsafe base.distance(to: UnsafeRawPointer(hit))
        }
        scanned = found ?? count
        return found
    }
}

/// The lines of a text file (gzipped or not; a pipe works), read once, for inputs such as query and judgment
/// files that are read outside the library's own readers.
package struct TextFileLines {
    private var reader: LineReader<FileStream>

    /// Opens `path`; a line longer than `maximumLineLength` comes back truncated and marked so.
    package init(path: String, maximumLineLength: Int) throws(StorageError) {
        reader = LineReader(source: try FileStream.open(path: path), maximumLineLength: maximumLineLength)
    }

    /// The next line (1-based number, bytes without the line break, whether it was cut), or nil at the end.
    package mutating func next() throws(StorageError) -> (number: Int, bytes: ArraySlice<UInt8>, isTruncated: Bool)? {
        try reader.next().map { ($0.number, $0.bytes, $0.isTruncated) }
    }

    /// Bytes of the file read so far.
    package var bytesConsumed: Int { reader.bytesConsumed }
}
