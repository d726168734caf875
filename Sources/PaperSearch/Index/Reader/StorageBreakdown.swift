/// Where the bytes of an index's searchable files (term dictionary, postings, positions) go, by field and
/// by structure: `SearchIndex.storageBreakdown()`, shown by `papers stats --breakdown`. Norms, records and
/// values are one structure each; their files' sizes say it.
public struct StorageBreakdown: Sendable {
    /// The parts of the searchable files (formats: `TermDictionaryWriter`, `PostingsEncoder`).
    public enum Structure: String, CaseIterable, Sendable {
        /// Front-coded terms: the lengths and the bytes not shared with the previous term.
        case dictionaryTerms = "dictionary terms"
        /// Each term's document count, offsets, score bounds and checksums.
        case dictionaryStatistics = "dictionary statistics"
        /// The positions of terms in one document, held by the dictionary.
        case dictionaryPositions = "dictionary positions"
        case skipTables = "skip tables"
        case blockHeaders = "block headers"
        case documents = "documents"
        case titleFrequencies = "title frequencies"
        case abstractFrequencies = "abstract frequencies"
        /// positions.pos: the positions of terms in two documents or more.
        case positions = "positions"
    }

    /// The fields, in the order of `bytes`' inner arrays.
    public static let fields = FieldNamespace.allCases.map { "\($0)" }

    /// Bytes per structure, per field (`fields`' order); summed over the segments.
    public private(set) var bytes: [Structure: [Int]] = Dictionary(
        uniqueKeysWithValues: Structure.allCases.map { ($0, Array(repeating: 0, count: StorageBreakdown.fields.count)) })
    /// Terms per field.
    public private(set) var terms = Array(repeating: 0, count: StorageBreakdown.fields.count)
    /// The rest of the three files: headers, footers, the dictionary's block index and trailer.
    public private(set) var otherBytes = 0

    /// All the bytes of one structure.
    public func total(_ structure: Structure) -> Int { bytes[structure, default: []].reduce(0, +) }

    /// All the bytes of one field.
    public func total(field: Int) -> Int { Structure.allCases.reduce(0) { $0 + (bytes[$1]?[field] ?? 0) } }

    mutating func add(_ structure: Structure, _ field: Int, _ count: Int) { bytes[structure]![field] += count }

    mutating func countTerm(_ field: Int) { terms[field] += 1 }

    mutating func addOther(_ count: Int) { otherBytes += count }
}

extension SearchIndex {
    /// Where the bytes of the searchable files go (reads every dictionary entry and every postings block's
    /// header: about as long as `verify` on the postings).
    public func storageBreakdown() throws(IndexError) -> StorageBreakdown {
        var result = StorageBreakdown()
        for entry in segments { try entry.segment.addStorage(to: &result) }
        return result
    }
}

extension Segment {
    func addStorage(to result: inout StorageBreakdown) throws(IndexError) {
        func corrupt(_ file: MappedFile, _ reason: String) -> IndexError { .corrupt(file: file.path, reason: reason) }
        var attributed = 0
        func add(_ structure: StorageBreakdown.Structure, _ field: Int, _ count: Int) {
            result.add(structure, field, count)
            attributed += count
        }
        // Positions are written in dictionary order, so a term's extend to the next positional term's start.
        var previousPositions: (field: Int, offset: Int)?
        for block in 0..<terms.blockCount {
            var reader = try terms.reader(ofBlock: block)
            while true {
                let entryStart = reader.offset
                guard try reader.nextTerm() else { break }
                let termEnd = reader.offset
                let info = try reader.info()
                guard let namespace = reader.term.first, Int(namespace) < StorageBreakdown.fields.count else {
                    throw corrupt(terms.file, "a term of no known field")
                }
                let field = Int(namespace)
                result.countTerm(field)
                let inline = info.documentFrequency == 1 ? info.inlinePositionsLength : 0
                add(.dictionaryTerms, field, termEnd - entryStart)
                add(.dictionaryPositions, field, inline)
                add(.dictionaryStatistics, field, reader.offset - termEnd - inline)
                let blocks = info.blockCount
                guard blocks > 0 else { continue }
                if blocks > 1 { add(.skipTables, field, blocks * SkipEntry.size) }
                var start = info.postingsOffset + (blocks > 1 ? blocks * SkipEntry.size : 0)
                for b in 0..<blocks {
                    let count = b == blocks - 1 ? info.documentFrequency - postingsBlockSize * (blocks - 1) : postingsBlockSize
                    guard start >= 0, postings.contains(start, PostingsBlockHeader.size) else {
                        throw corrupt(postings, "postings block out of range")
                    }
                    let header = PostingsBlockHeader(postings, at: start)
                    guard header.isValid else { throw corrupt(postings, "bad bit width in a postings block") }
                    let lanes = header.laneBytes(count)
                    add(.blockHeaders, field, PostingsBlockHeader.size)
                    add(.documents, field, lanes.documents)
                    add(.titleFrequencies, field, lanes.titles)
                    add(.abstractFrequencies, field, lanes.abstracts)
                    start += header.blockLength(count)
                }
                guard info.hasPositions else { continue }
                if let previous = previousPositions {
                    guard info.positionsOffset >= previous.offset else { throw corrupt(positions, "positions out of order") }
                    add(.positions, previous.field, info.positionsOffset - previous.offset)
                }
                previousPositions = (field, info.positionsOffset)
            }
        }
        if let previous = previousPositions {
            guard files.positionsEnd >= previous.offset else { throw corrupt(positions, "positions out of range") }
            add(.positions, previous.field, files.positionsEnd - previous.offset)
        }
        result.addOther(terms.file.count + postings.count + positions.count - attributed)
    }
}
