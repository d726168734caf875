/// Streams the decompressed bytes of a gzip file (RFC 1952) whose DEFLATE data (RFC 1951) is decoded here:
/// the toolchain has no zlib, and corpora such as the arXiv dumps come gzipped.
///
/// Decoding goes one DEFLATE block at a time into `output`, which keeps the last 32 KiB already handed out
/// as the history that back-references may reach. Every member's CRC-32 and length are checked against its
/// trailer, so a damaged file is reported rather than read as garbage. Concatenated members are read in turn.
final class GzipDecoder: ByteSource {
    static let magic: [UInt8] = [0x1F, 0x8B]

    let name: String
    /// All decoding state lives in a struct, so that the hot loops work on exclusive local memory
    /// (a class's stored properties would cost a dynamic exclusivity check on every access).
    private var inflater: Inflater

    /// `file` is positioned just after the two magic bytes.
    init(file: FileByteSource) {
        name = file.name
        inflater = Inflater(file: file)
    }

    func read(appendingTo buffer: inout [UInt8], maxCount: Int) throws(StorageError) -> Int {
        try inflater.read(appendingTo: &buffer, maxCount: maxCount)
    }

    /// The compressed bytes read so far.
    var fileBytesRead: Int { inflater.file.bytesRead }
}

/// The gzip member and DEFLATE block decoder behind `GzipDecoder`.
struct Inflater {
    let file: FileByteSource
    var name: String { file.name }

    // Compressed input.
    private var input: [UInt8] = []
    private var inputPosition = 0
    private var inputAtEnd = false
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0

    // Decompressed output: `output[..<outputEnd]` holds the bytes decoded so far, of which
    // `output[handedOut..<outputEnd]` are not yet returned to the caller. `output.count` is its capacity: the
    // array is allocated zero-filled and grown by doubling, so the decoding loop can write through a pointer.
    private var output: [UInt8] = [UInt8](repeating: 0, count: 1 << 21)
    private var outputEnd = 0
    private var handedOut = 0

    private enum State { case memberHeader, blocks, trailer, finished }
    private var state = State.memberHeader
    private var isFirstMember = true
    private var memberCRC = CRC32()
    private var memberLength: UInt32 = 0

    private var literalTable = HuffmanTable()
    private var distanceTable = HuffmanTable()

    private static let windowSize = 32 * 1024

    init(file: FileByteSource) { self.file = file }

    mutating func read(appendingTo buffer: inout [UInt8], maxCount: Int) throws(StorageError) -> Int {
        while handedOut == outputEnd {
            if state == .finished { return 0 }
            try decodeStep()
        }
        let n = min(maxCount, outputEnd - handedOut)
        buffer.append(contentsOf: output[handedOut..<(handedOut + n)])
        handedOut += n
        return n
    }

    // MARK: - Members and blocks

    private mutating func decodeStep() throws(StorageError) {
        switch state {
        case .memberHeader:
            try readMemberHeader()
            state = .blocks
        case .blocks:
            keepOnlyHistory()
            let start = outputEnd
            let isFinal = try decodeBlock()
            unsafe output.withUnsafeBytes { bytes in
                unsafe memberCRC.update(UnsafeRawBufferPointer(rebasing: bytes[start..<outputEnd]))
            }
            memberLength &+= UInt32(truncatingIfNeeded: outputEnd - start)
            if isFinal { state = .trailer }
        case .trailer:
            dropBitsToByteBoundary()
            let storedCRC = try readBits(16) | (try readBits(16) << 16)
            let storedLength = try readBits(16) | (try readBits(16) << 16)
            guard storedCRC == memberCRC.value else {
                throw bad("CRC-32 mismatch (stored \(hex(storedCRC)), computed \(hex(memberCRC.value)))")
            }
            guard storedLength == memberLength else {
                throw bad("length mismatch (stored \(storedLength), decoded \(memberLength))")
            }
            state = try hasMoreInput() ? .memberHeader : .finished
        case .finished:
            return
        }
    }

    /// Parses a member header; the first member's magic bytes were consumed by whoever sniffed the file.
    private mutating func readMemberHeader() throws(StorageError) {
        if !isFirstMember {
            guard try readByte() == 0x1F, try readByte() == 0x8B else { throw bad("trailing bytes after the last member") }
        }
        isFirstMember = false
        memberCRC = CRC32()
        memberLength = 0
        guard try readByte() == 8 else { throw bad("compression method is not DEFLATE") }
        let flags = try readByte()
        for _ in 0..<6 { _ = try readByte() }  // modification time, extra flags, operating system
        if flags & 0x04 != 0 {  // FEXTRA
            let length = Int(try readByte()) | Int(try readByte()) << 8
            for _ in 0..<length { _ = try readByte() }
        }
        if flags & 0x08 != 0 { while try readByte() != 0 {} }  // FNAME
        if flags & 0x10 != 0 { while try readByte() != 0 {} }  // FCOMMENT
        if flags & 0x02 != 0 { _ = try readByte(); _ = try readByte() }  // FHCRC
    }

    /// Drops decoded bytes that were handed out and lie more than one window behind the end, by moving the
    /// window to the front (every decoded byte has been handed out when a block starts).
    private mutating func keepOnlyHistory() {
        let excess = outputEnd - Inflater.windowSize
        if excess > 1 << 20 {
            unsafe output.withUnsafeMutableBufferPointer { bytes in
                guard let base = bytes.baseAddress else { return }
                unsafe base.update(from: base + excess, count: Inflater.windowSize)
            }
            outputEnd -= excess
            handedOut -= excess
        }
    }

    /// Makes room for at least `count` more bytes after `outputEnd`.
    private mutating func reserveOutput(_ count: Int) {
        if outputEnd + count > output.count {
            output.append(contentsOf: repeatElement(0, count: max(output.count, count)))
        }
    }

    /// Decodes one block, appending to `output`; returns whether it was the final block.
    private mutating func decodeBlock() throws(StorageError) -> Bool {
        let isFinal = try readBits(1) == 1
        switch try readBits(2) {
        case 0:
            try copyStoredBlock()
        case 1:
            literalTable.build(lengths: HuffmanTable.fixedLiteralLengths)
            distanceTable.build(lengths: HuffmanTable.fixedDistanceLengths)
            try inflateCompressedBlock()
        case 2:
            try readDynamicTables()
            try inflateCompressedBlock()
        default:
            throw bad("reserved block type 3")
        }
        return isFinal
    }

    private mutating func copyStoredBlock() throws(StorageError) {
        dropBitsToByteBoundary()
        let length = Int(try readBits(16))
        let complement = Int(try readBits(16))
        guard length == (~complement & 0xFFFF) else { throw bad("stored block length check failed") }
        reserveOutput(length)
        for _ in 0..<length {
            output[outputEnd] = try readByte()
            outputEnd += 1
        }
    }

    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    private mutating func readDynamicTables() throws(StorageError) {
        let literalCount = Int(try readBits(5)) + 257
        let distanceCount = Int(try readBits(5)) + 1
        let codeLengthCount = Int(try readBits(4)) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw bad("too many length or distance codes") }
        var codeLengthLengths = [UInt8](repeating: 0, count: 19)
        for i in 0..<codeLengthCount {
            codeLengthLengths[Inflater.codeLengthOrder[i]] = UInt8(try readBits(3))
        }
        var codeLengthTable = HuffmanTable()
        guard codeLengthTable.build(lengths: codeLengthLengths) else { throw bad("invalid code length code") }
        var lengths = [UInt8](repeating: 0, count: literalCount + distanceCount)
        var index = 0
        while index < lengths.count {
            let symbol = try decodeSymbol(codeLengthTable)
            switch symbol {
            case 0...15:
                lengths[index] = UInt8(symbol)
                index += 1
            case 16:
                guard index > 0 else { throw bad("repeat of a code length with no previous length") }
                let repeatCount = 3 + Int(try readBits(2))
                guard index + repeatCount <= lengths.count else { throw bad("code lengths overflow") }
                for _ in 0..<repeatCount { lengths[index] = lengths[index - 1]; index += 1 }
            default:
                let repeatCount = symbol == 17 ? 3 + Int(try readBits(3)) : 11 + Int(try readBits(7))
                guard index + repeatCount <= lengths.count else { throw bad("code lengths overflow") }
                index += repeatCount  // already zero
            }
        }
        guard lengths[256] != 0 else { throw bad("no end-of-block code") }
        guard literalTable.build(lengths: Array(lengths[..<literalCount])),
              distanceTable.build(lengths: Array(lengths[literalCount...]))
        else { throw bad("invalid Huffman code") }
    }

    /// Decodes the symbols of one Huffman-coded block. The loop runs on local copies of the bit buffer and of
    /// the output position, reads the input and writes the output through pointers, and leaves only to top up
    /// the input (once per 256 KiB) or to grow the output.
    ///
    /// Invariants: `position <= inputBytes.count`, checked before every read; before each symbol at least
    /// `Inflater.longestStep` bytes of output are free, so a literal or a whole match (258 bytes, plus the 7
    /// that copying in 8-byte words may write beyond it) fits without a check per byte.
    private mutating func inflateCompressedBlock() throws(StorageError) {
        let literals = literalTable, distances = distanceTable
        while true {
            reserveOutput(Inflater.longestStep)
            var bits = bitBuffer, count = bitCount, position = inputPosition, written = outputEnd
            let inputAtEnd = self.inputAtEnd
            var needInput = false
            var failure: String?
            var finished = false
            unsafe input.withUnsafeBufferPointer { inputBytes in
                unsafe output.withUnsafeMutableBufferPointer { outputBytes in
                unsafe literals.entries.withUnsafeBufferPointer { literalEntries in
                unsafe distances.entries.withUnsafeBufferPointer { distanceEntries in
                unsafe DeflateCodes.lengths.withUnsafeBufferPointer { lengthCodes in
                unsafe DeflateCodes.distances.withUnsafeBufferPointer { distanceCodes in
                    guard let out = outputBytes.baseAddress else { return }
                    let roomEnd = outputBytes.count - Inflater.longestStep
                    while written <= roomEnd {
                        // 48 bits cover the longest step: a 15-bit length code, 5 extra bits, a 15-bit
                        // distance code and 13 extra bits.
                        if count < 48 {
                            unsafe DeflateCodes.refill(&bits, &count, from: inputBytes, at: &position)
                            if count < 48 && !inputAtEnd { needInput = true; return }
                        }
                        let symbol: Int
                        switch unsafe DeflateCodes.take(literalEntries, mask: literals.mask, &bits, &count) {
                        case let .symbol(taken): symbol = taken
                        case .noCode: failure = "invalid Huffman code"; return
                        case .endOfInput: failure = "unexpected end of data"; return
                        }
                        if symbol < 256 {
                            unsafe out[written] = UInt8(truncatingIfNeeded: symbol)
                            written += 1
                            continue
                        }
                        if symbol == 256 { finished = true; return }
                        let lengthCode = symbol - 257
                        guard lengthCode < 29 else { failure = "invalid length code \(symbol)"; return }
                        let lengthEntry = unsafe lengthCodes[lengthCode]
                        let lengthExtra = Int(lengthEntry >> 16)
                        guard count >= lengthExtra else { failure = "unexpected end of data"; return }
                        let matchLength = Int(lengthEntry & 0xFFFF) + Int(bits & ((1 &<< UInt64(lengthExtra)) &- 1))
                        bits &>>= UInt64(lengthExtra)
                        count -= lengthExtra
                        let distanceCode: Int
                        switch unsafe DeflateCodes.take(distanceEntries, mask: distances.mask, &bits, &count) {
                        case let .symbol(taken): distanceCode = taken
                        case .noCode: failure = "invalid Huffman code"; return
                        case .endOfInput: failure = "unexpected end of data"; return
                        }
                        guard distanceCode < DeflateCodes.deflateDistanceCount else { failure = "invalid distance code \(distanceCode)"; return }
                        let distanceCodeEntry = unsafe distanceCodes[distanceCode]
                        let distanceExtra = Int(distanceCodeEntry >> 16)
                        guard count >= distanceExtra else { failure = "unexpected end of data"; return }
                        let distance = Int(distanceCodeEntry & 0xFFFF) + Int(bits & ((1 &<< UInt64(distanceExtra)) &- 1))
                        bits &>>= UInt64(distanceExtra)
                        count -= distanceExtra
                        guard distance <= written else { failure = "back-reference before the start of the data"; return }
                        unsafe DeflateCodes.copyMatch(to: out + written, distance: distance, length: matchLength)
                        written += matchLength
                    }
                }}}}}
            }
            bitBuffer = bits
            bitCount = count
            inputPosition = position
            outputEnd = written
            if let failure { throw bad(failure) }
            if finished { return }
            if needInput { fillInput() }
        }
    }

    /// The most output one symbol can produce, with the slack of the word-wise match copy.
    private static let longestStep = 258 + 8

    // MARK: - Bits

    private mutating func decodeSymbol(_ table: HuffmanTable) throws(StorageError) -> Int {
        if bitCount < table.maxLength { refillBits() }
        let entry = table.entries[Int(bitBuffer & table.mask)]
        let length = Int(entry & 15)
        guard length > 0, length <= bitCount else {
            throw bad(length == 0 ? "invalid Huffman code" : "unexpected end of data")
        }
        bitBuffer >>= UInt64(length)
        bitCount -= length
        return Int(entry >> 4)
    }

    private mutating func readBits(_ count: Int) throws(StorageError) -> UInt32 {
        if count == 0 { return 0 }
        if bitCount < count {
            refillBits()
            guard bitCount >= count else { throw bad("unexpected end of data") }
        }
        let value = UInt32(truncatingIfNeeded: bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    private mutating func readByte() throws(StorageError) -> UInt8 { UInt8(try readBits(8)) }

    private mutating func dropBitsToByteBoundary() {
        let drop = bitCount & 7
        bitBuffer >>= UInt64(drop)
        bitCount -= drop
    }

    /// Tops the bit buffer up to at least 57 bits, or to whatever input is left.
    private mutating func refillBits() {
        while bitCount <= 56 {
            if inputPosition == input.count {
                if inputAtEnd { return }
                fillInput()
                if inputPosition == input.count { return }
            }
            bitBuffer |= UInt64(input[inputPosition]) << UInt64(bitCount)
            inputPosition += 1
            bitCount += 8
        }
    }

    private var pendingReadError: StorageError?

    private mutating func fillInput() {
        input.removeAll(keepingCapacity: true)
        inputPosition = 0
        do throws(StorageError) {
            if try file.read(appendingTo: &input, maxCount: 1 << 18) == 0 { inputAtEnd = true }
        } catch {
            pendingReadError = error
            inputAtEnd = true
        }
    }

    private mutating func hasMoreInput() throws(StorageError) -> Bool {
        if bitCount >= 8 { return true }
        if inputPosition == input.count && !inputAtEnd { fillInput() }
        if let pendingReadError { throw pendingReadError }
        return inputPosition < input.count
    }

    private func bad(_ reason: String) -> StorageError {
        if let pendingReadError { return pendingReadError }
        return .badCompressedData(path: name, reason: reason)
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
