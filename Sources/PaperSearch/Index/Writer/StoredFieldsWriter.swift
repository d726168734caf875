/// Writes the paper records, one after the other, as the writer receives them.
///
///     docs.psd = Header, Record^DocCount, Offsets, Trailer, Footer
///     Record   = the paper as compact JSON (`Paper.jsonRecord`: id, title, authors, year, date, venue,
///                abstract, sources, then extra fields), UTF-8
///     Offsets  = RecordStart u64 ^ (DocCount + 1)     (absolute file offsets; the last is the end of the records)
///     Trailer  = DocCount u64, OffsetsStart u64
///
/// Record `d` is read in constant time: two offsets, one slice.
struct DocStoreWriter {
    let output: FileOutput
    private var offsets: [UInt64] = []

    init(output: FileOutput) { self.output = output }

    /// Adds one record's bytes (`Paper.jsonRecord` written by `JSONWriter`).
    mutating func add(record: [UInt8]) throws(IndexError) {
        offsets.append(UInt64(output.count))
        do { try output.write(record) } catch { throw .io(error) }
    }

    func finish() throws(IndexError) {
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

/// Writes field lengths and years, one column each.
///
///     norms.psn = Header, DocCount u64, TitleLength u32 ^ DocCount, AbstractLength u32 ^ DocCount,
///                 Year u16 ^ DocCount (0 = unknown), zero padding to 8, Footer
///
/// A field's length is the number of positions that hold an indexed term (stop words do not count).
enum NormsWriter {
    static func write(_ output: FileOutput, titleLengths: [UInt32], abstractLengths: [UInt32], years: [UInt16]) throws(IndexError) {
        do {
            try output.writeUInt64(UInt64(titleLengths.count))
            for length in titleLengths { try output.writeUInt32(length) }
            for length in abstractLengths { try output.writeUInt32(length) }
            for year in years { try output.writeUInt16(year) }
            try output.pad(to: 8)
        } catch { throw .io(error) }
    }
}
