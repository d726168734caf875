/// Sorted runs: when the inverter's memory passes the budget, its terms and streams are written to a
/// temporary file in term order and the inverter starts again. At the end the runs are merged term by term.
///
///     run = (TermLength varint, Term bytes, DocFreq varint, StreamLength varint, Stream bytes)*, 0 varint
///
/// Streams are in the inverter's format (see `Inverter`), their document gaps relative to the run.
enum RunWriter {
    static func write(_ inverter: Inverter, to path: String) throws(IndexError) {
        let output: FileOutput
        do { output = try FileOutput(path: path) } catch { throw .io(error) }
        var entry: [UInt8] = []
        var stream: [UInt8] = []
        try inverter.forEachSortedTerm { (sorted: Inverter.SortedTerm) throws(IndexError) in
            let id = Int(sorted.id)
            entry.removeAll(keepingCapacity: true)
            stream.removeAll(keepingCapacity: true)
            inverter.postings(of: id, into: &stream)
            let term = inverter.term(id)
            VarInt.append(term.count, to: &entry)
            entry.append(contentsOf: term)
            VarInt.append(UInt64(sorted.documentFrequency), to: &entry)
            VarInt.append(stream.count, to: &entry)
            do throws(StorageError) {
                try output.write(entry)
                try output.write(stream)
            } catch { throw .io(error) }
        }
        do {
            try output.write(0)
            // A run only lives until the commit merges it, and a crash discards the build: no sync.
            try output.finish(sync: false)
        } catch { throw .io(error) }
    }
}

/// Reads a run back, one term at a time.
final class RunReader {
    let path: String
    private let source: FileByteSource
    /// How much is read at a time: the merge shares a part of the memory budget among its runs.
    private let readSize: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false

    /// The current term and its stream (valid after `advance()` returned true).
    private(set) var term: [UInt8] = []
    private(set) var documentFrequency = 0
    private(set) var stream: [UInt8] = []

    init(path: String, readSize: Int) throws(IndexError) {
        self.path = path
        self.readSize = readSize
        do { source = try FileByteSource(path: path) } catch { throw .io(error) }
    }

    /// Makes at least `count` bytes available from `position` if the file has them.
    private func ensure(_ count: Int) throws(IndexError) {
        while buffer.count - position < count && !atEnd {
            if position > 0 {
                buffer.removeSubrange(0..<position)
                position = 0
            }
            do {
                if try source.read(appendingTo: &buffer, maxCount: max(readSize, count)) == 0 { atEnd = true }
            } catch { throw .io(error) }
        }
        guard buffer.count - position >= count else {
            throw .corrupt(file: path, reason: "temporary run ends early")
        }
    }

    private func varint() throws(IndexError) -> Int {
        var value = 0
        var shift = 0
        while true {
            try ensure(1)
            let byte = buffer[position]
            position += 1
            value |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
            guard shift < 63 else { throw .corrupt(file: path, reason: "bad varint in temporary run") }
        }
    }

    /// Moves to the next term; false at the end of the run.
    func advance() throws(IndexError) -> Bool {
        let length = try varint()
        if length == 0 { return false }
        try ensure(length)
        term = Array(buffer[position..<(position + length)])
        position += length
        documentFrequency = try varint()
        let streamLength = try varint()
        try ensure(streamLength)
        stream = Array(buffer[position..<(position + streamLength)])
        position += streamLength
        return true
    }
}
