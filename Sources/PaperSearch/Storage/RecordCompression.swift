/// Compression of stored records, each on its own so that any one is read in constant time, yet sharing what a
/// whole corpus repeats: LZ77 against a preset dictionary (JSON keys, common words and phrases), then
/// Huffman codes made for the corpus (DEFLATE's alphabets, with codes of the segment's own).
///
/// One compressed record:
///
///     Record = RawLength varint, Symbol* EndOfRecord, zero bits up to a byte boundary
///     Symbol = Literal                                         a byte, symbols 0...255
///            | LengthCode LengthExtra DistanceCode DistanceExtra  a copy of 4-258 earlier bytes
///
/// Symbols and extra bits are DEFLATE's (RFC 1951, 3.2.5: length codes 257...285, EndOfRecord 256, distance
/// codes 0...29) with distance codes 30 and 31 for 32,769-65,536 (`DeflateCodes`); bits are packed least
/// significant first. A distance reaches back through the bytes decoded so far, then into the dictionary
/// (which ends where the record starts), at most 65,535 bytes.
///
/// The codes (`Codes`: 286 literal/length and 32 distance code lengths, none over 12 bits) are made once per
/// segment from its dictionary: the dictionary is compressed alone, and its symbols counted, each count
/// plus one, so that every symbol has a code. They are stored beside the dictionary.
///
/// Matches are found in hash chains of 4-byte prefixes, `chainDepth` candidates in the record and as many in
/// the dictionary, with one step of lazy matching (a match gives way to a longer one a byte later), in the
/// manner of zlib's middle levels. On arxiv-daily's records, a 32 KiB dictionary of the first records makes
/// them 2.7 times smaller (`PaperSearchBenchmarks records`), where each record alone in DEFLATE with the same
/// preset dictionary is 2.7 times smaller and the earlier LZ77 without Huffman codes made them 1.95.
package enum RecordCompression {
    static let minimumMatch = 4
    static let maximumMatch = 258
    static let maximumDistance = 65_535
    /// The dictionary is at most this long (so that every dictionary byte is reachable from a record's start).
    package static let dictionaryLength = 32 << 10
    static let hashBits = 15
    static let endOfRecord = 256
    static let literalLengthSymbols = 286
    static let distanceSymbols = 32
    /// Codes are at most this long, so that one table of 4,096 entries decodes each alphabet.
    static let maximumCodeLength = 12
    /// Candidates tried at a position, in the record and in the dictionary each.
    static let chainDepth = 4
    /// A match this long is taken without looking for a longer one a byte later.
    static let lazyLimit = 32

    /// Why a compressed record cannot be decoded.
    package struct DamagedRecord: Error {
        package let reason: String
    }

    @inline(__always)
    static func hash(_ word: UInt32) -> Int { Int((word &* 2_654_435_761) >> UInt32(32 - hashBits)) }

    @inline(__always)
    static func load32(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) -> UInt32 {
        unsafe UnsafeRawPointer(bytes.baseAddress.unsafelyUnwrapped + offset).loadUnaligned(as: UInt32.self)
    }

    /// How far `a[aStart...]` and `b[bStart...]` agree, up to `limit` bytes, eight at a time while eight
    /// remain (the first differing byte is the lowest set byte of the XOR). The caller guarantees that
    /// `aStart + limit` and `bStart + limit` lie within the two buffers.
    @inline(__always)
    static func matchLength(_ a: UnsafeBufferPointer<UInt8>, _ aStart: Int, _ b: UnsafeBufferPointer<UInt8>, _ bStart: Int,
                            limit: Int) -> Int {
        var length = 0
        while length + 8 <= limit {
            let x = unsafe UnsafeRawPointer(a.baseAddress.unsafelyUnwrapped + aStart + length).loadUnaligned(as: UInt64.self)
            let y = unsafe UnsafeRawPointer(b.baseAddress.unsafelyUnwrapped + bStart + length).loadUnaligned(as: UInt64.self)
            let difference = UInt64(littleEndian: x ^ y)
            if difference != 0 { return length + difference.trailingZeroBitCount >> 3 }
            length += 8
        }
        while length < limit, unsafe a[aStart + length] == b[bStart + length] { length += 1 }
        return length
    }

    // MARK: - Codes

    /// The Huffman codes of a segment's records.
    package struct Codes: Equatable, Sendable {
        /// The code lengths as docs.psd stores them: 286 literal/length symbols, then 32 distance symbols.
        package let lengths: [UInt8]
        let literalCodes: [UInt16]
        let distanceCodes: [UInt16]

        package static let storedLength = RecordCompression.literalLengthSymbols + RecordCompression.distanceSymbols

        /// Codes from stored lengths; nil when they are not a valid code of at most 12 bits per symbol.
        package init?(lengths: [UInt8]) {
            guard lengths.count == Codes.storedLength, lengths.allSatisfy({ $0 <= RecordCompression.maximumCodeLength }),
                  let literals = HuffmanCode.codes(lengths: Array(lengths[..<RecordCompression.literalLengthSymbols])),
                  let distances = HuffmanCode.codes(lengths: Array(lengths[RecordCompression.literalLengthSymbols...]))
            else { return nil }
            self.lengths = lengths
            literalCodes = literals
            distanceCodes = distances
        }

        /// The codes for records compressed against `dictionary`, made from the symbols of the dictionary
        /// compressed alone.
        package static func trained(on dictionary: [UInt8]) -> Codes {
            var counter = SymbolCounter()
            var finder = MatchFinder(dictionary: [])
            finder.parse(dictionary, into: &counter)
            let literals = HuffmanCode.lengths(counts: counter.literalLengths.map { $0 + 1 }, limit: RecordCompression.maximumCodeLength)
            let distances = HuffmanCode.lengths(counts: counter.distances.map { $0 + 1 }, limit: RecordCompression.maximumCodeLength)
            // Lengths from counts are a complete code within the limit, so this always succeeds.
            guard let codes = Codes(lengths: literals + distances) else { preconditionFailure("Huffman lengths out of range") }
            return codes
        }
    }

    // MARK: - Compressing

    /// What a parse produces: literals and matches.
    protocol SymbolSink {
        mutating func literal(_ byte: UInt8)
        mutating func match(length: Int, distance: Int)
    }

    /// Counts symbols, for making codes.
    struct SymbolCounter: SymbolSink {
        var literalLengths = [Int](repeating: 0, count: RecordCompression.literalLengthSymbols)
        var distances = [Int](repeating: 0, count: RecordCompression.distanceSymbols)

        mutating func literal(_ byte: UInt8) { literalLengths[Int(byte)] += 1 }

        mutating func match(length: Int, distance: Int) {
            literalLengths[257 + DeflateCodes.lengthCode(length)] += 1
            distances[DeflateCodes.distanceCode(distance)] += 1
        }
    }

    /// Writes symbols with their codes, least significant bit first.
    struct CodeWriter: SymbolSink {
        let codes: Codes
        var bytes: [UInt8] = []
        private var accumulator: UInt64 = 0
        private var bitCount = 0
        /// Per match length (3...258): its length code followed by its extra bits, and how many bits that is.
        /// (Looking the length code up per match and writing its extra bits apart cost 200 instructions.)
        private let lengthBits: [UInt32]
        private let lengthBitCounts: [UInt8]

        init(codes: Codes) {
            self.codes = codes
            var lengthBits = [UInt32](repeating: 0, count: RecordCompression.maximumMatch + 1)
            var lengthBitCounts = [UInt8](repeating: 0, count: RecordCompression.maximumMatch + 1)
            for length in 3...RecordCompression.maximumMatch {
                let code = DeflateCodes.lengthCode(length), entry = DeflateCodes.lengths[code]
                let codeLength = UInt32(codes.lengths[257 + code])
                lengthBits[length] = UInt32(codes.literalCodes[257 + code]) | (UInt32(length) - entry & 0xFFFF) << codeLength
                lengthBitCounts[length] = UInt8(codeLength + entry >> 16)
            }
            self.lengthBits = lengthBits
            self.lengthBitCounts = lengthBitCounts
        }

        /// Adds `length` bits (at most 32); whole 32-bit words go to `bytes`.
        @inline(__always)
        private mutating func put(_ value: UInt32, _ length: Int) {
            accumulator |= UInt64(value) << UInt64(bitCount)
            bitCount += length
            if bitCount >= 32 {
                let word = UInt32(truncatingIfNeeded: accumulator)
                bytes.append(UInt8(truncatingIfNeeded: word))
                bytes.append(UInt8(truncatingIfNeeded: word >> 8))
                bytes.append(UInt8(truncatingIfNeeded: word >> 16))
                bytes.append(UInt8(truncatingIfNeeded: word >> 24))
                accumulator >>= 32
                bitCount -= 32
            }
        }

        mutating func literal(_ byte: UInt8) {
            put(UInt32(codes.literalCodes[Int(byte)]), Int(codes.lengths[Int(byte)]))
        }

        mutating func match(length: Int, distance: Int) {
            put(lengthBits[length], Int(lengthBitCounts[length]))
            let distanceCode = DeflateCodes.distanceCode(distance)
            let distanceEntry = DeflateCodes.distances[distanceCode]
            let codeLength = UInt32(codes.lengths[RecordCompression.literalLengthSymbols + distanceCode])
            // At most 12 + 14 bits.
            put(UInt32(codes.distanceCodes[distanceCode]) | (UInt32(distance) - distanceEntry & 0xFFFF) << codeLength,
                Int(codeLength + distanceEntry >> 16))
        }

        /// Writes the end of the record and its last bits.
        mutating func finish() {
            put(UInt32(codes.literalCodes[RecordCompression.endOfRecord]), Int(codes.lengths[RecordCompression.endOfRecord]))
            while bitCount > 0 {
                bytes.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bitCount -= 8
            }
            accumulator = 0
            bitCount = 0
        }
    }

    /// Hash chains over a dictionary (made once) and over the record being parsed (made per record).
    struct MatchFinder {
        let dictionary: [UInt8]
        /// Per hash of 4 bytes: the last dictionary position holding them, plus one (0: none); per dictionary
        /// position: the previous one with the same hash, plus one.
        private let dictionaryHead: [Int32]
        private let dictionaryPrevious: [Int32]
        /// The same for the record: heads as `stamp << 32 | position + 1`, valid where the stamp is the
        /// record's, so that nothing is cleared between records.
        private var recordHead: [UInt64]
        private var recordPrevious: [Int32] = []
        private var stamp: UInt64 = 0

        init(dictionary: [UInt8]) {
            precondition(dictionary.count <= RecordCompression.dictionaryLength)
            self.dictionary = dictionary
            var head = [Int32](repeating: 0, count: 1 << RecordCompression.hashBits)
            var previous = [Int32](repeating: 0, count: dictionary.count)
            unsafe dictionary.withUnsafeBufferPointer { bytes in
                if bytes.count >= RecordCompression.minimumMatch {
                    for position in 0...(bytes.count - RecordCompression.minimumMatch) {
                        let slot = RecordCompression.hash(unsafe RecordCompression.load32(bytes, position))
                        previous[position] = head[slot]
                        head[slot] = Int32(position + 1)
                    }
                }
            }
            dictionaryHead = head
            dictionaryPrevious = previous
            recordHead = [UInt64](repeating: 0, count: 1 << RecordCompression.hashBits)
        }

        /// Parses `input` into literals and matches, greedily with one step of lazy matching.
        mutating func parse<Sink: SymbolSink>(_ input: [UInt8], into sink: inout Sink) {
            stamp += 1
            if stamp == 1 << 32 {
                for index in recordHead.indices { recordHead[index] = 0 }
                stamp = 1
            }
            if recordPrevious.count < input.count { recordPrevious = [Int32](repeating: 0, count: input.count) }
            let stampBits = stamp << 32
            let stamp = self.stamp
            unsafe input.withUnsafeBufferPointer { bytes in
            unsafe dictionary.withUnsafeBufferPointer { dictionaryBytes in
            unsafe dictionaryHead.withUnsafeBufferPointer { dictionaryHead in
            unsafe dictionaryPrevious.withUnsafeBufferPointer { dictionaryPrevious in
            unsafe recordHead.withUnsafeMutableBufferPointer { recordHead in
            unsafe recordPrevious.withUnsafeMutableBufferPointer { recordPrevious in
                let count = bytes.count, dictionaryCount = dictionaryBytes.count
                // Positions below `inserted` are in the record's chains (only those with 4 bytes to hash).
                var inserted = 0
                @inline(__always) func insert(upTo end: Int) {
                    let last = min(end, count - RecordCompression.minimumMatch + 1)
                    while inserted < last {
                        let slot = RecordCompression.hash(unsafe RecordCompression.load32(bytes, inserted))
                        let head = unsafe recordHead[slot]
                        unsafe recordPrevious[inserted] = head >> 32 == stamp ? Int32(truncatingIfNeeded: head & 0xFFFF_FFFF) : 0
                        unsafe recordHead[slot] = stampBits | UInt64(inserted + 1)
                        inserted += 1
                    }
                    inserted = max(inserted, end)
                }
                /// The longest match at `position` (length 0: none), every earlier position inserted.
                @inline(__always) func longestMatch(at position: Int) -> (length: Int, distance: Int) {
                    guard position + RecordCompression.minimumMatch <= count else { return (0, 0) }
                    let word = unsafe RecordCompression.load32(bytes, position)
                    let slot = RecordCompression.hash(word)
                    let limit = min(count - position, RecordCompression.maximumMatch)
                    var bestLength = 0, bestDistance = 0
                    let head = unsafe recordHead[slot]
                    var candidate = head >> 32 == stamp ? Int(truncatingIfNeeded: head & 0xFFFF_FFFF) : 0
                    var tried = 0
                    // Chains run from the nearest position back; candidate < position keeps reads in the record.
                    while candidate > 0 && tried < RecordCompression.chainDepth {
                        let start = candidate - 1
                        if position - start > RecordCompression.maximumDistance { break }
                        if unsafe RecordCompression.load32(bytes, start) == word {
                            let length = unsafe RecordCompression.minimumMatch + RecordCompression.matchLength(
                                bytes, start + RecordCompression.minimumMatch, bytes, position + RecordCompression.minimumMatch,
                                limit: limit - RecordCompression.minimumMatch)
                            if length > bestLength {
                                bestLength = length
                                bestDistance = position - start
                                if length == limit { return (bestLength, bestDistance) }
                            }
                        }
                        candidate = Int(unsafe recordPrevious[start])
                        tried += 1
                    }
                    candidate = Int(unsafe dictionaryHead[slot])
                    tried = 0
                    while candidate > 0 && tried < RecordCompression.chainDepth {
                        let start = candidate - 1
                        let distance = dictionaryCount - start + position
                        if distance > RecordCompression.maximumDistance { break }
                        if unsafe RecordCompression.load32(dictionaryBytes, start) == word {
                            // Matches from the dictionary stop at its end (they do not run on into the record).
                            let length = unsafe RecordCompression.minimumMatch + RecordCompression.matchLength(
                                dictionaryBytes, start + RecordCompression.minimumMatch, bytes, position + RecordCompression.minimumMatch,
                                limit: min(limit, dictionaryCount - start) - RecordCompression.minimumMatch)
                            if length > bestLength {
                                bestLength = length
                                bestDistance = distance
                            }
                        }
                        candidate = Int(unsafe dictionaryPrevious[start])
                        tried += 1
                    }
                    return (bestLength, bestDistance)
                }
                var position = 0
                while position < count {
                    insert(upTo: position)
                    var (length, distance) = longestMatch(at: position)
                    if length >= RecordCompression.minimumMatch && length < RecordCompression.lazyLimit {
                        insert(upTo: position + 1)
                        let next = longestMatch(at: position + 1)
                        if next.length > length {
                            sink.literal(unsafe bytes[position])
                            position += 1
                            (length, distance) = next
                        }
                    }
                    if length >= RecordCompression.minimumMatch {
                        sink.match(length: length, distance: distance)
                        // The inside of a long match goes unhashed (as zlib's faster levels do): it is mostly
                        // text the dictionary or the record holds already, and hashing it cost a third of
                        // the parse.
                        if length >= RecordCompression.lazyLimit { inserted = max(inserted, position + length - 3) }
                        position += length
                    } else {
                        sink.literal(unsafe bytes[position])
                        position += 1
                    }
                }
            }}}}}}
        }
    }

    /// Compresses records against one dictionary with one set of codes.
    package struct Compressor {
        private var finder: MatchFinder
        private var writer: CodeWriter

        package var dictionary: [UInt8] { finder.dictionary }

        package init(dictionary: [UInt8], codes: Codes) {
            finder = MatchFinder(dictionary: dictionary)
            writer = CodeWriter(codes: codes)
        }

        /// Appends the compressed form of `input` to `output`.
        package mutating func compress(_ input: [UInt8], into output: inout [UInt8]) {
            VarInt.append(input.count, to: &output)
            writer.bytes.removeAll(keepingCapacity: true)
            finder.parse(input, into: &writer)
            writer.finish()
            output.append(contentsOf: writer.bytes)
        }
    }

    // MARK: - Decompressing

    /// Decodes records written with one set of codes.
    package struct Decompressor: Sendable {
        private let literals: HuffmanTable
        private let distances: HuffmanTable

        package init(codes: Codes) {
            var literals = HuffmanTable(), distances = HuffmanTable()
            // `Codes` are valid codes of at most 12 bits, so the tables build.
            literals.build(lengths: Array(codes.lengths[..<RecordCompression.literalLengthSymbols]))
            distances.build(lengths: Array(codes.lengths[RecordCompression.literalLengthSymbols...]))
            self.literals = literals
            self.distances = distances
        }

        /// Decodes one record. Every read and every copy is checked, so damaged bytes give `DamagedRecord`,
        /// never a read outside `input`, `dictionary` or the output.
        package func decompress(_ input: Span<UInt8>, dictionary: Span<UInt8>) throws(DamagedRecord) -> [UInt8] {
            var position = 0
            // A symbol takes at least one bit and yields at most 258 bytes, so a larger length is damage (and
            // is not allocated).
            guard let rawLength = VarInt.read(input, at: &position), rawLength <= 258 * 8 * UInt64(input.count) else {
                throw DamagedRecord(reason: "bad length")
            }
            let total = Int(rawLength)
            var failure: String?
            // 8 bytes of slack after the record let matches move whole 8-byte words.
            let output = unsafe [UInt8](unsafeUninitializedCapacity: total + 8) { out, initialized in
                initialized = 0
                unsafe input.withUnsafeBufferPointer { source in
                unsafe dictionary.withUnsafeBufferPointer { dictionaryBytes in
                unsafe literals.entries.withUnsafeBufferPointer { literalEntries in
                unsafe distances.entries.withUnsafeBufferPointer { distanceEntries in
                unsafe DeflateCodes.lengths.withUnsafeBufferPointer { lengthCodes in
                unsafe DeflateCodes.distances.withUnsafeBufferPointer { distanceCodes in
                    guard let out = out.baseAddress else { return }
                    let literalMask = literals.mask, distanceMask = distances.mask
                    var bits: UInt64 = 0, count = 0, written = 0
                    while true {
                        // 48 bits cover the longest step: a 12-bit length code, 5 extra bits, a 12-bit distance
                        // code and 14 extra bits. Past the input's end the missing bits read as zeros, and
                        // `count` says how many are real.
                        if count < 48 { unsafe DeflateCodes.refill(&bits, &count, from: source, at: &position) }
                        let symbol: Int
                        switch unsafe DeflateCodes.take(literalEntries, mask: literalMask, &bits, &count) {
                        case let .symbol(taken): symbol = taken
                        case .noCode: failure = "invalid code"; return
                        case .endOfInput: failure = "ends early"; return
                        }
                        if symbol < 256 {
                            guard written < total else { failure = "longer than its length"; return }
                            unsafe out[written] = UInt8(truncatingIfNeeded: symbol)
                            written += 1
                            continue
                        }
                        if symbol == RecordCompression.endOfRecord { break }
                        let lengthCode = symbol - 257
                        guard lengthCode < 29 else { failure = "invalid length code"; return }
                        let lengthEntry = unsafe lengthCodes[lengthCode]
                        let lengthExtra = Int(lengthEntry >> 16)
                        let distanceEntry = unsafe distanceEntries[Int((bits &>> UInt64(lengthExtra)) & distanceMask)]
                        let distanceLength = Int(distanceEntry & 15)
                        guard distanceLength > 0, lengthExtra + distanceLength <= count else {
                            failure = distanceLength == 0 ? "invalid code" : "ends early"
                            return
                        }
                        let matchLength = Int(lengthEntry & 0xFFFF) + Int(bits & ((1 &<< UInt64(lengthExtra)) &- 1))
                        bits &>>= UInt64(lengthExtra + distanceLength)
                        count -= lengthExtra + distanceLength
                        let distanceCodeEntry = unsafe distanceCodes[Int(distanceEntry >> 4)]
                        let distanceExtra = Int(distanceCodeEntry >> 16)
                        guard count >= distanceExtra else { failure = "ends early"; return }
                        let distance = Int(distanceCodeEntry & 0xFFFF) + Int(bits & ((1 &<< UInt64(distanceExtra)) &- 1))
                        bits &>>= UInt64(distanceExtra)
                        count -= distanceExtra
                        guard distance <= written + dictionaryBytes.count, matchLength <= total - written else {
                            failure = "match out of range"
                            return
                        }
                        var copied = 0
                        if distance > written {
                            // Starts in the dictionary; it may run on into the record's first bytes.
                            let start = dictionaryBytes.count - (distance - written)
                            let fromDictionary = min(matchLength, distance - written)
                            let from = unsafe UnsafeRawPointer(dictionaryBytes.baseAddress.unsafelyUnwrapped + start)
                            let to = unsafe UnsafeMutableRawPointer(out + written)
                            // Whole words while the dictionary has eight bytes left to read: the last may write past
                            // the match, into the output's slack or over bytes the rest of the match writes next (most
                            // matches are 4-8 bytes; byte by byte, their copies cost an eighth of the decoding).
                            var index = 0
                            let wordsEnd = min(fromDictionary, dictionaryBytes.count - start - 7)
                            while index < wordsEnd {
                                unsafe (to + index).storeBytes(of: (from + index).loadUnaligned(as: UInt64.self), as: UInt64.self)
                                index += 8
                            }
                            while index < fromDictionary {
                                unsafe (to + index).storeBytes(of: (from + index).load(as: UInt8.self), as: UInt8.self)
                                index += 1
                            }
                            copied = fromDictionary
                        }
                        if copied < matchLength {
                            // The rest from the record's own bytes (the output has 8 bytes of slack).
                            unsafe DeflateCodes.copyMatch(to: out + written + copied, distance: distance, length: matchLength - copied)
                        }
                        written += matchLength
                    }
                    if written != total { failure = "decodes to \(written) bytes, not \(total)" }
                    initialized = written
                }}}}}}
            }
            if let failure { throw DamagedRecord(reason: failure) }
            return output
        }
    }
}
