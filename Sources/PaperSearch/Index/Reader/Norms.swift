/// Field lengths and years by document number (format: `NormsWriter`), checked against their checksum when
/// opened.
struct Norms: Sendable {
    let file: MappedFile
    let documentCount: Int
    private let lengthsStart: Int
    private let yearStart: Int
    private let longStart: Int
    private let longCount: Int

    init(file: MappedFile, body: Range<Int>, documentCount expected: Int) throws(IndexError) {
        self.file = file
        guard body.count >= 8 else { throw .truncated(file: file.path, length: file.count, needed: body.lowerBound + 8) }
        let count = Int(truncatingIfNeeded: file.uint64(at: body.lowerBound))
        guard count == expected, count >= 0, count <= body.count / 6 else {
            throw .corrupt(file: file.path, reason: "holds \(count) documents, the manifest says \(expected)")
        }
        documentCount = count
        lengthsStart = body.lowerBound + 8
        yearStart = lengthsStart + 4 * count
        let longCountAt = (yearStart + 2 * count + 7) / 8 * 8
        guard longCountAt + 8 <= body.upperBound else {
            throw .truncated(file: file.path, length: file.count, needed: longCountAt + 8 + IndexFormat.footerSize)
        }
        let long = Int(truncatingIfNeeded: file.uint64(at: longCountAt))
        guard long >= 0, long <= count, longCountAt + 8 + 12 * long == body.upperBound - 8 else {
            throw .corrupt(file: file.path, reason: "the list of long fields does not fit")
        }
        guard file.blockChecksum(body.lowerBound, body.count - 8) == UInt32(truncatingIfNeeded: file.uint64(at: body.upperBound - 8)) else {
            throw .corrupt(file: file.path, reason: "the field lengths and years do not match their checksum")
        }
        longStart = longCountAt + 8
        longCount = long
    }

    /// Both field lengths of a document, read once a scored posting: one 32-bit read without the mapped
    /// file's per-read range check (`init` checked that the table lies in the file, and a document below
    /// `documentCount` stays inside it; the document number is replaced by 0 when out of range, so even a
    /// caller's mistake cannot read outside the file). A field of 65,535 positions or more is looked up in the
    /// long list.
    @inline(__always)
    func lengths(_ document: UInt32) -> (title: UInt32, abstract: UInt32) {
        let index = Int(document) < documentCount ? Int(document) : 0
        let packed = unsafe file.uncheckedUInt32(at: lengthsStart &+ 4 &* index)
        let title = packed & 0xFFFF, abstract = packed >> 16
        if title == NormsWriter.longMarker || abstract == NormsWriter.longMarker { return longLengths(document) }
        return (title, abstract)
    }

    /// The exact lengths from the long list (binary search; a document missing from it, which only damage
    /// could cause, reads as the capped values).
    @inline(never)
    private func longLengths(_ document: UInt32) -> (title: UInt32, abstract: UInt32) {
        var low = 0, high = longCount
        while low < high {
            let middle = (low + high) / 2
            let at = longStart + 12 * middle
            let found = file.uint32(at: at)
            if found == document { return (file.uint32(at: at + 4), file.uint32(at: at + 8)) }
            if found < document { low = middle + 1 } else { high = middle }
        }
        return (NormsWriter.longMarker, NormsWriter.longMarker)
    }

    /// Callers pass document numbers below `documentCount` (cursors check them).
    func titleLength(_ document: UInt32) -> UInt32 { lengths(document).title }
    func abstractLength(_ document: UInt32) -> UInt32 { lengths(document).abstract }

    /// The year, or nil when unknown.
    @inline(__always) func year(_ document: UInt32) -> Int? {
        let year = file.uint16(at: yearStart + 2 * Int(document))
        return year == 0 ? nil : Int(year)
    }
}

/// The stored paper records (format: `DocStoreWriter`), each checked against its checksum when first read
/// (`VerifiedRegions`).
struct DocStore: Sendable {
    let file: MappedFile
    let documentCount: Int
    /// The records that have matched their checksums.
    private let verified: VerifiedRegions
    private let dictionaryStart: Int
    private let dictionaryCount: Int
    private let recordsStart: Int
    private let offsetsStart: Int
    private let decompressor: RecordCompression.Decompressor

    init(file: MappedFile, body: Range<Int>, documentCount expected: Int) throws(IndexError) {
        self.file = file
        let trailer = body.upperBound - 16
        guard trailer >= body.lowerBound + 4 else { throw .truncated(file: file.path, length: file.count, needed: body.lowerBound + 20 + IndexFormat.footerSize) }
        let count = Int(truncatingIfNeeded: file.uint64(at: trailer))
        let offsets = Int(truncatingIfNeeded: file.uint64(at: trailer + 8))
        guard count == expected else { throw .corrupt(file: file.path, reason: "holds \(count) records, the manifest says \(expected)") }
        guard offsets >= body.lowerBound, offsets <= trailer, count >= 0, count < (trailer - offsets) / 8 + 1,
              offsets + 8 * (count + 1) == trailer else {
            throw .corrupt(file: file.path, reason: "record offsets out of range")
        }
        let dictionary = Int(file.uint32(at: body.lowerBound))
        let codesLength = RecordCompression.Codes.storedLength
        guard dictionary <= RecordCompression.dictionaryLength, body.lowerBound + 8 + dictionary + codesLength <= offsets else {
            throw .corrupt(file: file.path, reason: "dictionary out of range")
        }
        guard file.blockChecksum(body.lowerBound + 4, dictionary + codesLength)
                == file.uint32(at: body.lowerBound + 4 + dictionary + codesLength) else {
            throw .corrupt(file: file.path, reason: "the records' compression dictionary does not match its checksum")
        }
        guard let codes = RecordCompression.Codes(lengths: file.bytes(body.lowerBound + 4 + dictionary, codesLength)) else {
            throw .corrupt(file: file.path, reason: "the records' Huffman codes are not valid")
        }
        documentCount = count
        dictionaryStart = body.lowerBound + 4
        dictionaryCount = dictionary
        recordsStart = dictionaryStart + dictionary + codesLength + 4
        offsetsStart = offsets
        decompressor = RecordCompression.Decompressor(codes: codes)
        verified = VerifiedRegions(count: count)
    }

    /// The bytes of record `document`, decompressed.
    func record(_ document: Int) throws(IndexError) -> [UInt8] {
        let range = try recordRange(document)
        let decoded = file.withBytes(range.lowerBound, range.count) { record in
            file.withBytes(dictionaryStart, dictionaryCount) { dictionary in
                Result { () throws(RecordCompression.DamagedRecord) in
                    var position = 0
                    guard let idLength = VarInt.read(record, at: &position), idLength <= UInt64(record.count - position) else {
                        throw RecordCompression.DamagedRecord(reason: "bad id length")
                    }
                    return try decompressor.decompress(record.extracting((position + Int(idLength))...), dictionary: dictionary)
                }
            }
        }
        switch decoded {
        case let .success(bytes): return bytes
        case let .failure(damage): throw .corrupt(file: file.path, reason: "record \(document) is damaged: \(damage.reason)")
        }
    }

    /// Where record `document` lies in the file, after its checksum (checked against the records' area, and
    /// the bytes against the checksum).
    private func recordRange(_ document: Int) throws(IndexError) -> Range<Int> {
        guard document >= 0, document < documentCount else { throw .corrupt(file: file.path, reason: "no record \(document)") }
        let start = Int(truncatingIfNeeded: file.uint64(at: offsetsStart + 8 * document))
        let end = Int(truncatingIfNeeded: file.uint64(at: offsetsStart + 8 * document + 8))
        guard start >= recordsStart, end >= start + 4, end <= offsetsStart else {
            throw .corrupt(file: file.path, reason: "record \(document) out of range")
        }
        guard verified.verify(document, file, start + 4, end - start - 4, checksum: file.uint32(at: start)) else {
            throw .corrupt(file: file.path, reason: "record \(document) does not match its checksum")
        }
        return (start + 4)..<end
    }

    /// The id of the paper stored for `document`, read in place (it stands before the compressed record).
    func id(_ document: Int) throws(IndexError) -> String {
        let range = try recordRange(document)
        let id: String? = file.withBytes(range.lowerBound, range.count) { record -> String? in
            var position = 0
            guard let length = VarInt.read(record, at: &position), length <= UInt64(record.count - position) else { return nil }
            return unsafe record.withUnsafeBufferPointer { bytes in
                unsafe String(validating: UnsafeBufferPointer(rebasing: bytes[position..<(position + Int(length))]), as: UTF8.self)
            }
        }
        guard let id else { throw .corrupt(file: file.path, reason: "record \(document) has a damaged id") }
        return id
    }

    /// The paper stored for `document`.
    func paper(_ document: Int) throws(IndexError) -> Paper {
        let bytes = try record(document)
        guard let paper = Paper(storedRecord: bytes) else {
            throw .corrupt(file: file.path, reason: "record \(document) is not a paper record")
        }
        return paper
    }
}
