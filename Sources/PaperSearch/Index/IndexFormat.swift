/// The on-disk format of a PaperSearch index, version 9 (8 packed every block's document gaps one after
/// another; 7 kept positions as varints; 6 gave every list a skip table and kept single documents' positions
/// in positions.pos; 5 had no commits; 2 compressed the records).
///
/// An index is a folder holding a *commit* — a list of immutable *segments* and the papers deleted from
/// each — and `CURRENT`, which names it (the layout and the commit protocol: `IndexDirectory`; the commit
/// file: `Commit`). A segment is a folder written by one build, with document numbers from 0:
///
///     <index>/seg-000004/
///         manifest.json          written last: format, build id, analyzer, statistics, each file's length and CRC-32
///         terms.pst              term dictionary            (`TermDictionaryWriter`, `TermDictionary`)
///         postings.psp           doc numbers and frequencies (`PostingsEncoder`, `PostingsCursor`)
///         positions.pos          positions, for phrases      (`PostingsEncoder`, `PositionsReader`)
///         norms.psn              field lengths and years     (`NormsWriter`, `Norms`)
///         docs.psd               stored paper records        (`DocStoreWriter`, `DocStore`)
///         values.psv             dates and facet values      (`DocValuesWriter`, `DocValues`)
///
/// Beside the segments: deletion files (`DeletionsFile`: which papers of a segment are deleted, and what they
/// held, so that statistics stay those of the live papers) and source id files (`SourceIDs`: the ids each
/// corpus file gave, for re-syncing).
///
/// A segment's statistics (document count, field lengths, document frequencies) are its own; a search uses
/// those of the whole commit's live papers, so that scores do not depend on how the papers are split into
/// segments. The block maxima a segment stores assume its own statistics and are converted at query time
/// (`ScoringContext`).
///
/// Every binary file is *header + body + footer*, all integers little-endian:
///
///     Header  = Magic u32 (0x50534958, "XISP" in the file), CodecNameLength u8, CodecName (ASCII),
///               FormatVersion u32, BuildID 16 bytes (random per build, the same in every file and the
///               manifest), zero padding to a multiple of 8
///     Footer  = FooterMagic u32 (~Magic), ChecksumAlgorithm u32 (0 = CRC-32/IEEE), Checksum u64
///               (CRC-32 of every byte before the checksum field, footer magic and algorithm included;
///               the upper 32 bits are zero)
///
/// Opening an index checks each header and footer and compares lengths and stored checksums with the
/// manifest (cheap); `verify` recomputes every checksum.
enum IndexFormat {
    static let magic: UInt32 = 0x5053_4958
    static let footerMagic: UInt32 = ~magic
    static let footerSize = 16
    /// Format versions this build reads.
    static let supportedVersions: ClosedRange<UInt32> = 9...9
    /// 9: a whole block's document gaps in four interleaved lanes, unpacked four at a time. 8: positions
    /// packed in groups of 128 deltas; records in Huffman codes. 7: lists of one block without a
    /// skip table, a single document's positions in the dictionary, no positions for fields matched whole.
    /// (6 brought segments, commits, deletions and recorded sources.)
    static let currentVersion: UInt32 = 9

    /// Positions in a document: the title's start at 0, the abstract's at this offset, so that one list of
    /// positions serves both fields and no phrase spans the two.
    static let abstractPositionBase = 1 << 20
    /// Author names are spaced this far apart in the author field, so a phrase never spans two names.
    static let authorPositionGap = 100
}

/// The files of a generation (the components of an index), each with its codec name.
public enum IndexComponent: String, CaseIterable, Sendable {
    case terms = "terms.pst"
    case postings = "postings.psp"
    case positions = "positions.pos"
    case norms = "norms.psn"
    case docs = "docs.psd"
    case values = "values.psv"

    var fileName: String { rawValue }

    var codecName: String {
        switch self {
        case .terms: return "PaperSearch.Terms"
        case .postings: return "PaperSearch.Postings"
        case .positions: return "PaperSearch.Positions"
        case .norms: return "PaperSearch.Norms"
        case .docs: return "PaperSearch.Docs"
        case .values: return "PaperSearch.Values"
        }
    }
}

/// Term namespaces: each term in the dictionary starts with one of these bytes, so one dictionary serves
/// every field and terms of different fields never meet.
package enum FieldNamespace: UInt8, CaseIterable {
    /// Words of the title and the abstract (per-field frequencies in the postings).
    case text = 0
    /// Author names word by word (folded, not stemmed; author `i`'s words at positions from
    /// `i × authorPositionGap`), and each word's initial ("z.") at the word's position.
    case author = 1
    /// The venue, whole (folded) and word by word.
    case venue = 2
    /// The paper's id: each id is a term with exactly one document.
    case id = 3
    /// Each category whole, folded ("cs.lg"), and its archive ("cs").
    case category = 4
    /// The acronyms a paper defines, "binary neural networks (BNNs)", two terms each (`AcronymTerms`).
    case acronym = 5

    /// Whether the field's terms keep their positions: text for phrases, authors to tell one name's words
    /// from another's. Venues, ids, categories and acronyms are matched whole, so none are stored for them.
    var hasPositions: Bool { self == .text || self == .author }

    /// Whether a term, by its first byte (its namespace), has positions stored; false for no known field.
    static func hasPositions(termStartingWith byte: UInt8?) -> Bool {
        byte.flatMap(FieldNamespace.init(rawValue:))?.hasPositions ?? false
    }
}

/// A build's random identity, stamped into every file.
struct BuildID: Equatable, Sendable, CustomStringConvertible {
    var bytes: [UInt8]

    static func random() -> BuildID {
        var generator = SystemRandomNumberGenerator()
        return BuildID(bytes: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    var description: String { bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }

    init(bytes: [UInt8]) { self.bytes = bytes }

    init?(hex: String) {
        let characters = Array(hex.utf8)
        guard characters.count == 32 else { return nil }
        var result: [UInt8] = []
        for index in stride(from: 0, to: 32, by: 2) {
            guard let byte = UInt8(String(decoding: characters[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            result.append(byte)
        }
        bytes = result
    }
}

/// Writing and checking the header and footer of every index file.
enum FileEnvelope {
    /// Writes the header; returns its length.
    static func writeHeader(_ output: FileOutput, component: IndexComponent, buildID: BuildID) throws(IndexError) {
        try writeHeader(output, codec: component.codecName, buildID: buildID)
    }

    /// Writes the header of a file outside a segment's components (deletions, source ids).
    static func writeHeader(_ output: FileOutput, codec: String, buildID: BuildID) throws(IndexError) {
        do {
            try output.writeUInt32(IndexFormat.magic)
            let name = Array(codec.utf8)
            try output.write(UInt8(name.count))
            try output.write(name)
            try output.writeUInt32(IndexFormat.currentVersion)
            try output.write(buildID.bytes)
            try output.pad(to: 8)
        } catch { throw .io(error) }
    }

    static func headerLength(_ component: IndexComponent) -> Int { headerLength(codec: component.codecName) }

    static func headerLength(codec: String) -> Int {
        let raw = 4 + 1 + codec.utf8.count + 4 + 16
        return (raw + 7) / 8 * 8
    }

    /// Writes the footer and finishes the file; returns its length and the checksum the footer holds
    /// (which the manifest records too).
    static func writeFooterAndFinish(_ output: FileOutput) throws(IndexError) -> (length: Int, crc32: UInt32) {
        do {
            try output.writeUInt32(IndexFormat.footerMagic)
            try output.writeUInt32(0)
            let checksum = output.checksum
            try output.writeUInt64(UInt64(checksum))
            let (length, _) = try output.finish()
            return (length, checksum)
        } catch { throw .io(error) }
    }

    /// Checks a mapped file's header and footer structure (not its checksum); returns the body's range.
    static func check(_ file: MappedFile, component: IndexComponent, buildID: BuildID) throws(IndexError) -> Range<Int> {
        try check(file, codec: component.codecName, buildID: buildID)
    }

    static func check(_ file: MappedFile, codec codecName: String, buildID: BuildID?) throws(IndexError) -> Range<Int> {
        let name = file.path
        let headerLength = FileEnvelope.headerLength(codec: codecName)
        guard file.count >= headerLength + IndexFormat.footerSize else {
            throw .truncated(file: name, length: file.count, needed: headerLength + IndexFormat.footerSize)
        }
        guard file.uint32(at: 0) == IndexFormat.magic else {
            throw .corrupt(file: name, reason: "not a PaperSearch index file (bad magic number)")
        }
        let codec = Array(codecName.utf8)
        let nameLength = Int(file.uint8(at: 4))
        let foundCodec = file.bytes(5, min(nameLength, file.count - 5))
        guard foundCodec == codec else {
            throw .corrupt(file: name, reason: "codec mismatch: actual=\(String(decoding: foundCodec, as: UTF8.self)) expected=\(codecName)")
        }
        let version = file.uint32(at: 5 + codec.count)
        if version < IndexFormat.supportedVersions.lowerBound {
            throw .formatTooOld(file: name, found: version, supported: IndexFormat.supportedVersions)
        }
        if version > IndexFormat.supportedVersions.upperBound {
            throw .formatTooNew(file: name, found: version, supported: IndexFormat.supportedVersions)
        }
        if let buildID, file.bytes(9 + codec.count, 16) != buildID.bytes { throw .indexMismatch(file: name) }
        let footer = file.count - IndexFormat.footerSize
        guard file.uint32(at: footer) == IndexFormat.footerMagic, file.uint32(at: footer + 4) == 0,
              file.uint32(at: footer + 12) == 0
        else {
            throw .corrupt(file: name, reason: "bad footer (the file is truncated or overwritten)")
        }
        return headerLength..<footer
    }

    /// The checksum stored in the footer.
    static func storedChecksum(_ file: MappedFile) -> UInt32 {
        file.uint32(at: file.count - 8)
    }

    /// Recomputes a file's checksum and compares it with the footer's.
    static func verifyChecksum(_ file: MappedFile) throws(IndexError) {
        let expected = storedChecksum(file)
        let actual = file.crc32(0, file.count - 8)
        guard expected == actual else { throw .checksumMismatch(file: file.path, expected: expected, actual: actual) }
    }
}

/// The version of PaperSearch, for `papers --version` and for people reporting problems.
public enum PaperSearchVersion {
    /// The release.
    public static let release = "0.14.0"
    /// The index format this PaperSearch writes.
    public static var indexFormat: Int { Int(IndexFormat.currentVersion) }
}
