/// Writes the paper records, compressed one by one against a dictionary made of the first records.
///
///     docs.psd   = Header, DictionaryLength u32, Dictionary, CodeLengths, DictionaryChecksum u32 (`BlockChecksum`
///                  of Dictionary and CodeLengths), Record^DocCount, zero padding to 8, Offsets, Trailer, Footer
///     Dictionary = the first `RecordCompression.dictionaryLength` bytes (or fewer) of the first records
///     CodeLengths = the records' Huffman code lengths, u8 ^ 318 (`RecordCompression.Codes`, made from the
///                  dictionary)
///     Record     = Checksum u32 (`BlockChecksum` of the rest of the record), IdLength varint, Id (UTF-8), then
///                  the paper as compact JSON (`Paper.writeRecord`: id, title, authors, year, date, venue,
///                  abstract, sources, then extra fields), UTF-8, compressed (`RecordCompression`). The id
///                  stands apart so that results read it without decompressing.
///     Offsets    = RecordStart u64 ^ (DocCount + 1)   (absolute file offsets; the last is the end of the records)
///     Trailer    = DocCount u64, OffsetsStart u64
///
/// Record `d` is read in constant time: two offsets, one slice, one checksum, one decompression of about
/// 2 KB (its id: two offsets, one slice, one checksum). The dictionary's checksum is verified when the index
/// opens, each record's the first time it is read after that, so damaged text is an error, never shown.
/// The first records are held in memory until they fill the dictionary (32 KiB), then written with the rest
/// — unless the papers come analysed with a dictionary already (`RecordDictionary`), made by the analysis
/// pipeline from the first records before any paper was analysed, and their records compressed with it on
/// the analysing threads: then the writer only copies them. Either way the file is the same.
struct DocStoreWriter {
    let output: FileOutput
    private var offsets: [UInt64] = []
    private var heldBack: [(id: String, record: [UInt8])] = []
    private var heldBackBytes = 0
    private var compressor: RecordCompression.Compressor?
    /// The dictionary the analysing threads compress with, when this writer adopted theirs.
    private var shared: RecordDictionary?
    private var compressed: [UInt8] = []

    init(output: FileOutput) { self.output = output }

    /// Adds one analysed paper: its record compressed already when it was made with this writer's dictionary.
    mutating func add(_ paper: AnalyzedPaper) throws(IndexError) {
        if let dictionary = paper.recordDictionary {
            if compressor == nil && heldBack.isEmpty {
                try writeDictionary(dictionary.bytes, codes: dictionary.codes)
                shared = dictionary
            }
            if shared === dictionary {
                try write(id: paper.id, compressedRecord: paper.compressedRecord)
                return
            }
        }
        try add(id: paper.id, record: paper.record)
    }

    /// Adds one paper: its id and its record's bytes (`Paper.writeRecord`).
    mutating func add(id: String, record: [UInt8]) throws(IndexError) {
        guard compressor != nil else {
            heldBack.append((id, record))
            heldBackBytes += record.count
            if heldBackBytes >= RecordCompression.dictionaryLength { try startCompressing() }
            return
        }
        try write(id: id, record: record)
    }

    /// Writes the dictionary and the records held back for it.
    private mutating func startCompressing() throws(IndexError) {
        var dictionary: [UInt8] = []
        for (_, record) in heldBack where dictionary.count < RecordCompression.dictionaryLength {
            dictionary.append(contentsOf: record.prefix(RecordCompression.dictionaryLength - dictionary.count))
        }
        try writeDictionary(dictionary, codes: RecordCompression.Codes.trained(on: dictionary))
        let records = heldBack
        heldBack = []
        for (id, record) in records { try write(id: id, record: record) }
    }

    private mutating func writeDictionary(_ dictionary: [UInt8], codes: RecordCompression.Codes) throws(IndexError) {
        do {
            try output.writeUInt32(UInt32(dictionary.count))
            try output.write(dictionary)
            try output.write(codes.lengths)
            try output.writeUInt32(BlockChecksum.of(dictionary + codes.lengths))
        } catch { throw .io(error) }
        compressor = RecordCompression.Compressor(dictionary: dictionary, codes: codes)
    }

    private mutating func write(id: String, record: [UInt8]) throws(IndexError) {
        var body: [UInt8] = []
        compressor?.compress(record, into: &body)
        try write(id: id, compressedRecord: body)
    }

    private mutating func write(id: String, compressedRecord: [UInt8]) throws(IndexError) {
        offsets.append(UInt64(output.count))
        compressed.removeAll(keepingCapacity: true)
        compressed.append(contentsOf: [0, 0, 0, 0])
        VarInt.append(id.utf8.count, to: &compressed)
        compressed.append(contentsOf: id.utf8)
        compressed.append(contentsOf: compressedRecord)
        var checksum = BlockChecksum.of(compressed[4...])
        for index in 0..<4 {
            compressed[index] = UInt8(truncatingIfNeeded: checksum)
            checksum >>= 8
        }
        do { try output.write(compressed) } catch { throw .io(error) }
    }

    mutating func finish() throws(IndexError) {
        if compressor == nil { try startCompressing() }
        do {
            let end = UInt64(output.count)
            try output.pad(to: 8)
            let offsetsStart = output.count
            for offset in offsets { try output.writeUInt64(offset) }
            try output.writeUInt64(end)
            try output.writeUInt64(UInt64(offsets.count))
            try output.writeUInt64(UInt64(offsetsStart))
        } catch { throw .io(error) }
    }
}

/// The dictionary a segment's records are compressed against, shared by the threads that compress them:
/// the first `RecordCompression.dictionaryLength` bytes of the first records, as `DocStoreWriter` would make it.
final class RecordDictionary: Sendable {
    let bytes: [UInt8]
    /// The records' codes, made from the dictionary.
    let codes: RecordCompression.Codes

    /// The dictionary of papers that come first.
    init(firstOf papers: [Paper]) {
        var bytes: [UInt8] = []
        for paper in papers where bytes.count < RecordCompression.dictionaryLength {
            var writer = JSONWriter()
            paper.writeRecord(into: &writer)
            bytes.append(contentsOf: writer.bytes.prefix(RecordCompression.dictionaryLength - bytes.count))
        }
        self.bytes = bytes
        codes = RecordCompression.Codes.trained(on: bytes)
    }
}

/// Writes field lengths and years.
///
///     norms.psn = Header, DocCount u64, Lengths u32 ^ DocCount, Year u16 ^ DocCount (0 = unknown),
///                 zero padding to 8, LongCount u64, Long ^ LongCount,
///                 Checksum u64 (`BlockChecksum` of everything from DocCount on; upper 32 bits zero), Footer
///     Lengths   = TitleLength in the low 16 bits, AbstractLength in the high 16; a half of 0xFFFF means
///                 "65,535 or more": the exact lengths are then in the long list
///     Long      = Document u32, TitleLength u32, AbstractLength u32, by ascending document
///
/// A field's length is the number of positions that hold an indexed term (stop words do not count). Both
/// lengths of a document share one 32-bit word because scoring reads them for every posting it scores: one
/// cache line instead of two, and half the memory (4 MB for a million papers), while staying exact.
/// Scores read the norms for every posting, so they are checked against their checksum once, when the index
/// opens (about a millisecond for a million papers).
enum NormsWriter {
    /// The half-word value that sends a reader to the long list.
    static let longMarker: UInt32 = 0xFFFF

    static func write(_ output: FileOutput, titleLengths: [UInt32], abstractLengths: [UInt32], years: [UInt16]) throws(IndexError) {
        var body: [UInt8] = []
        body.reserveCapacity(8 + 6 * titleLengths.count + 16)
        body.appendLittleEndian(UInt64(titleLengths.count))
        var long: [(document: Int, title: UInt32, abstract: UInt32)] = []
        for (document, (title, abstract)) in zip(titleLengths, abstractLengths).enumerated() {
            if title >= longMarker || abstract >= longMarker { long.append((document, title, abstract)) }
            body.appendLittleEndian(min(title, longMarker) | min(abstract, longMarker) << 16)
        }
        for year in years { body.appendLittleEndian(year) }
        // The header is a multiple of 8 long, so padding the body pads the file.
        while body.count % 8 != 0 { body.append(0) }
        body.appendLittleEndian(UInt64(long.count))
        for entry in long {
            body.appendLittleEndian(UInt32(entry.document))
            body.appendLittleEndian(entry.title)
            body.appendLittleEndian(entry.abstract)
        }
        let checksum = UInt64(BlockChecksum.of(body))
        do {
            try output.write(body)
            try output.writeUInt64(checksum)
        } catch { throw .io(error) }
    }
}
