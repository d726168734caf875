/// Writes the paper records, compressed one by one against a dictionary made of the first records.
///
///     docs.psd   = Header, DictionaryLength u32, Dictionary, DictionaryChecksum u32, Record^DocCount,
///                  zero padding to 8, Offsets, Trailer, Footer
///     Dictionary = the first `RecordCompression.dictionaryLength` bytes (or fewer) of the first records
///     Record     = Checksum u32 (`BlockChecksum` of the rest of the record), IdLength varint, Id (UTF-8), then
///                  the paper as compact JSON (`Paper.writeRecord`: id, title, authors, year, date, venue,
///                  abstract, sources, then extra fields), UTF-8, compressed (`RecordCompression`). The id
///                  stands apart so that results read it without decompressing.
///     Offsets    = RecordStart u64 ^ (DocCount + 1)   (absolute file offsets; the last is the end of the records)
///     Trailer    = DocCount u64, OffsetsStart u64
///
/// Record `d` is read in constant time: two offsets, one slice, one checksum, one decompression of about
/// 2 KB (its id: two offsets, one slice, one checksum). The dictionary's checksum is verified when the index
/// opens, each record's whenever it is read, so damaged text is an error, never shown.
/// The first records are held in memory until they fill the dictionary (32 KiB), then written with the rest.
struct DocStoreWriter {
    let output: FileOutput
    private var offsets: [UInt64] = []
    private var heldBack: [(id: String, record: [UInt8])] = []
    private var heldBackBytes = 0
    private var compressor: RecordCompression.Compressor?
    private var compressed: [UInt8] = []

    init(output: FileOutput) { self.output = output }

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
        do {
            try output.writeUInt32(UInt32(dictionary.count))
            try output.write(dictionary)
            try output.writeUInt32(BlockChecksum.of(dictionary))
        } catch { throw .io(error) }
        compressor = RecordCompression.Compressor(dictionary: dictionary)
        let records = heldBack
        heldBack = []
        for (id, record) in records { try write(id: id, record: record) }
    }

    private mutating func write(id: String, record: [UInt8]) throws(IndexError) {
        offsets.append(UInt64(output.count))
        compressed.removeAll(keepingCapacity: true)
        compressed.append(contentsOf: [0, 0, 0, 0])
        VarInt.append(id.utf8.count, to: &compressed)
        compressed.append(contentsOf: id.utf8)
        compressor?.compress(record, into: &compressed)
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
