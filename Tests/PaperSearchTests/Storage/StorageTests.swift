import Foundation
import Testing
@testable import PaperSearch

@Suite("CRC-32")
struct CRC32Tests {
    @Test func matchesZlibCheckValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        #expect(CRC32.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
    }

    @Test func incrementalEqualsWholeAtEveryAlignment() {
        var generator = SplitMix64(seed: 3)
        let bytes = (0..<1000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        let whole = CRC32.checksum(bytes)
        // A byte-at-a-time reference (the classic loop), independent of the sliced tables.
        var reference: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            reference ^= UInt32(byte)
            for _ in 0..<8 { reference = reference & 1 != 0 ? (reference >> 1) ^ 0xEDB8_8320 : reference >> 1 }
        }
        #expect(whole == reference ^ 0xFFFF_FFFF)
        for split in [1, 3, 7, 8, 9, 500, 999] {
            var crc = CRC32()
            crc.update(bytes[..<split])
            crc.update(bytes[split...])
            #expect(crc.value == whole)
        }
    }
}

@Suite("Block checksum")
struct BlockChecksumTests {
    /// The documented formula, written plainly: 64-bit little-endian words, the last zero-padded.
    static func reference(_ bytes: [UInt8]) -> UInt32 {
        var sum: UInt64 = 0x5053_4958_424C_4B31 ^ UInt64(bytes.count), running: UInt64 = 0
        for start in stride(from: 0, to: bytes.count, by: 8) {
            var word: UInt64 = 0
            for j in 0..<8 where start + j < bytes.count { word |= UInt64(bytes[start + j]) << UInt64(8 * j) }
            sum &+= word
            running &+= sum
        }
        let mixed = (sum ^ (running &* 0x9E37_79B9_7F4A_7C15)) &* 0xBF58_476D_1CE4_E5B9
        return UInt32(truncatingIfNeeded: mixed >> 32) ^ UInt32(truncatingIfNeeded: mixed)
    }

    /// Every length up to 100 at every alignment, read to the end of the range or (as a mapped file with 8
    /// bytes after the range lets it) with the last word loaded whole and masked: the bytes after the range,
    /// all different from zero here, must not count.
    @Test func matchesTheFormulaWhetherOrNotItReadsPastTheRange() {
        var random = SplitMix64(seed: 12)
        let buffer = (0..<200).map { _ in UInt8(1 + random.next() % 255) }
        for start in 0..<8 {
            for count in 0...100 {
                let expected = Self.reference(Array(buffer[start..<(start + count)]))
                buffer.withUnsafeBytes { raw in
                    let base = raw.baseAddress!.advanced(by: start)
                    #expect(BlockChecksum.of(base, count: count) == expected, "\(start) \(count)")
                    #expect(BlockChecksum.of(base, count: count, overReading: true) == expected, "\(start) \(count) over-reading")
                }
            }
        }
    }

    @Test func aChangedByteOrTwoSwappedWordsChangeIt() {
        var random = SplitMix64(seed: 13)
        let bytes = (0..<77).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let original = BlockChecksum.of(bytes)
        for i in bytes.indices {
            var changed = bytes
            changed[i] ^= 0x10
            #expect(BlockChecksum.of(changed) != original, "byte \(i)")
        }
        var swapped = bytes
        swapped.replaceSubrange(0..<16, with: bytes[8..<16] + bytes[0..<8])
        #expect(BlockChecksum.of(swapped) != original)
    }
}

@Suite("gzip")
struct GzipTests {
    static func decode(_ path: String) throws -> [UInt8] {
        let stream = try FileStream.open(path: path)
        var bytes: [UInt8] = []
        while try stream.read(appendingTo: &bytes, maxCount: 777) > 0 {}
        return bytes
    }

    @Test("every block type and concatenated members", arguments: [
        "gzip-dynamic.txt.gz", "gzip-fixed.txt.gz", "gzip-stored.txt.gz", "gzip-two-members.txt.gz",
    ])
    func decodesToTheOriginal(fixture: String) throws {
        let expected = Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("gzip-plain.txt"))))
        let stream = try FileStream.open(path: TestPaths.fixture(fixture))
        #expect(stream.isCompressed)
        #expect(try Self.decode(TestPaths.fixture(fixture)) == expected)
    }

    @Test func plainFilesPassThrough() throws {
        let expected = Array(try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("gzip-plain.txt"))))
        #expect(try Self.decode(TestPaths.fixture("gzip-plain.txt")) == expected)
    }

    @Test func damagedChecksumIsReported() throws {
        let path = TestPaths.fixture("gzip-bad-crc.txt.gz")
        do {
            _ = try Self.decode(path)
            Issue.record("a damaged checksum was not detected")
        } catch let error as StorageError {
            guard case let .badCompressedData(file, reason) = error else { Issue.record("\(error)"); return }
            #expect(file == path)
            #expect(reason.hasPrefix("CRC-32 mismatch"))
        }
    }

    @Test func truncatedFileIsReported() throws {
        #expect(throws: StorageError.self) { _ = try Self.decode(TestPaths.fixture("gzip-truncated.txt.gz")) }
    }

    @Test("a real 4.8 MB file decodes whole, its CRC-32 and length checked at the end")
    func wholeArxivSample() throws {
        // 15 MB of output: the history window moves many times, and the member trailer is checked.
        let stream = try FileStream.open(path: TestPaths.arxivSample)
        var buffer: [UInt8] = []
        var total = 0
        while true {
            buffer.removeAll(keepingCapacity: true)
            let count = try stream.read(appendingTo: &buffer, maxCount: 1 << 20)
            if count == 0 { break }
            total += count
        }
        #expect(total == 14_788_626)  // as `gzip -l` gives it
        #expect(buffer.isEmpty)
    }

    @Test func garbageAfterTheMagicIsReported() throws {
        let scratch = ScratchDirectory()
        let path = scratch.write("junk.gz", bytes: [0x1F, 0x8B, 0x08, 0x00] + Array(repeating: 0xFF, count: 40))
        #expect(throws: StorageError.self) { _ = try Self.decode(path) }
    }
}

@Suite("JSON")
struct JSONTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#"{"a": [1, -2.5e3, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}, "a": 0}"#)
        guard case let .object(object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == .number("0"))  // a repeated key replaces the earlier value
        #expect(object["b"] == .object(JSONObject([("c", .string("d\né😀"))])))
        #expect(try JSONParser.parse("[1, -2.5e3, true, false, null]")
            == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
    }

    @Test func errorsCarryTheByteOffset() {
        let cases: [(String, Int, String)] = [
            ("", 0, "unexpected end of input, expected a value"),
            ("{\"a\" 1}", 5, "unexpected '1', expected ':'"),
            ("[1,]", 3, "unexpected ']', expected a value"),
            ("\"open", 0, "unterminated string"),
            ("01", 1, "unexpected text after the JSON value"),
            ("-", 0, "invalid number"),
            ("\"a\\q\"", 2, "invalid escape \\q"),
            ("[1] x", 4, "unexpected text after the JSON value"),
        ]
        for (text, offset, reason) in cases {
            #expect(throws: JSONSyntaxError(offset: offset, reason: reason), "\(text)") { _ = try JSONParser.parse(text) }
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONSyntaxError.self) { _ = try JSONParser.parse(deep) }
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONSyntaxError(offset: 3, reason: "invalid UTF-8 in a string")) {
            _ = try JSONParser.parse([UInt8(ascii: "\""), 0x61, 0x62, 0xFF, UInt8(ascii: "\"")])
        }
    }

    /// Strings are checked for ASCII eight bytes at a time: a non-ASCII byte at any offset must still be
    /// validated (kept when it is valid UTF-8, rejected when not), with and without escapes in the string.
    @Test func nonASCIIBytesAreValidatedAtEveryOffset() throws {
        for offset in 0..<20 {
            for escaped in [false, true] {
                let prefix = Array(repeating: UInt8(ascii: "a"), count: offset) + (escaped ? Array(#"\n"#.utf8) : [])
                let valid = [UInt8(ascii: "\"")] + prefix + Array("é中b".utf8) + [UInt8(ascii: "\"")]
                #expect(try JSONParser.parse(valid) == .string(String(repeating: "a", count: offset) + (escaped ? "\n" : "") + "é中b"))
                let invalid = [UInt8(ascii: "\"")] + prefix + [0xC3, 0x28, UInt8(ascii: "b"), UInt8(ascii: "\"")]
                #expect(throws: JSONSyntaxError.self, "offset \(offset)") { _ = try JSONParser.parse(invalid) }
            }
        }
    }

    @Test func writerRoundTrips() throws {
        let value = JSONValue.object(JSONObject([
            ("text", .string("quote \" backslash \\ newline \n tab \t control \u{01} é")),
            ("n", .number("25.1")), ("list", .array([.null, .bool(true)])),
        ]))
        let text = JSONWriter.string(value)
        #expect(text == #"{"text":"quote \" backslash \\ newline \n tab \t control \u0001 é","n":25.1,"list":[null,true]}"#)
        #expect(try JSONParser.parse(text) == value)
    }

    /// The writer looks at eight bytes at a time: every character that needs an escape, at every offset
    /// within and across those words, among multi-byte UTF-8, must still be escaped and read back.
    @Test func escapesAreFoundAtEveryOffset() throws {
        let specials: [Character] = ["\"", "\\", "\n", "\u{01}", "\u{1F}", "é", " ", "~", "\u{7F}"]
        for special in specials {
            for offset in 0..<20 {
                let text = String(repeating: "a", count: offset) + String(special) + "bcdéfghijklmnop" + String(special)
                let written = JSONWriter.string(.string(text))
                #expect(try JSONParser.parse(written) == .string(text), "\(special.unicodeScalars.first?.value ?? 0) at \(offset)")
                let escaped = special == "\"" || special == "\\" || (special.asciiValue ?? 0x20) < 0x20
                #expect(written.count == text.count + 2 + (escaped ? 2 * (special == "\n" || special == "\"" || special == "\\" ? 1 : 5) : 0))
            }
        }
    }
}

@Suite("Line reader")
struct LineReaderTests {
    final class ChunkSource: ByteSource {
        let name = "memory"
        var bytes: [UInt8]
        let chunk: Int
        init(_ bytes: [UInt8], chunk: Int) { self.bytes = bytes; self.chunk = chunk }
        func read(appendingTo buffer: inout [UInt8], maxCount: Int) throws(StorageError) -> Int {
            let n = min(chunk, maxCount, bytes.count)
            buffer.append(contentsOf: bytes[..<n])
            bytes.removeFirst(n)
            return n
        }
    }

    func lines(_ text: String, chunk: Int, maximum: Int = 1 << 20) throws -> [(String, Int, Bool)] {
        var reader = LineReader(source: ChunkSource(Array(text.utf8), chunk: chunk), maximumLineLength: maximum)
        var result: [(String, Int, Bool)] = []
        while let line = try reader.next() {
            result.append((String(decoding: line.bytes, as: UTF8.self), line.number, line.isTruncated))
        }
        return result
    }

    @Test func splitsAtNewlinesWhateverTheChunkSize() throws {
        for chunk in [1, 2, 5, 1000] {
            let result = try lines("one\r\ntwo\n\nfour", chunk: chunk)
            #expect(result.map(\.0) == ["one", "two", "", "four"])
            #expect(result.map(\.1) == [1, 2, 3, 4])
        }
        #expect(try lines("", chunk: 3).isEmpty)
        #expect(try lines("x\n", chunk: 3).map(\.0) == ["x"])
    }

    @Test func overlongLinesAreCutAndSkipped() throws {
        let long = String(repeating: "a", count: 5000)
        let result = try lines("short\n\(long)\nafter\n", chunk: 64, maximum: 1000)
        #expect(result.map(\.1) == [1, 2, 3])
        #expect(result.map(\.2) == [false, true, false])
        #expect(result[2].0 == "after")
    }
}

@Suite("Bit packing")
struct BitPackingTests {
    /// What `unpack` writes into a lane of 128 values that all start as 0xDEADBEEF (so writes past the
    /// values unpacked show).
    static func unpacked(_ unpack: (UnsafeMutablePointer<UInt32>) -> Void) -> [UInt32] {
        var output = [UInt32](repeating: 0xDEAD_BEEF, count: 128)
        output.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            unpack(base)
        }
        return output
    }

    /// Every width, whole groups of 32 (the specialised unpackers), partial groups (the bit reader), and a
    /// block that ends flush with the file (the byte-at-a-time path): values read back exactly.
    @Test func unpackReadsBackWhatPackWrote() throws {
        let scratch = ScratchDirectory()
        var generator = SplitMix64(seed: 11)
        for width in 0...32 {
            for count in [1, 5, 31, 32, 33, 64, 96, 127, 128] {
                let mask: UInt64 = width == 32 ? 0xFFFF_FFFF : (1 << UInt64(width)) - 1
                var values = (0..<count).map { _ in UInt32(generator.next() & mask) }
                if width > 0 { values[count / 2] = UInt32(mask) }  // the largest value of the width
                var packed: [UInt8] = [0x5A, 0xA5, 0x3C]  // an odd offset, as after a block header
                BitPacking.pack(values, width: width, into: &packed)
                #expect(packed.count == 3 + BitPacking.byteCount(count, width: width))
                for trailing in [0, 8] {
                    let bytes = packed + [UInt8](repeating: 0xFF, count: trailing)
                    let file = try MappedFile(path: scratch.write("w\(width)-\(count)-\(trailing)", bytes: bytes))
                    let output = Self.unpacked { unsafe file.unpack(count, width: width, at: 3, into: $0) }
                    #expect(Array(output[..<count]) == values, "width \(width), count \(count), trailing \(trailing)")
                    #expect(output[count...].allSatisfy { $0 == 0xDEAD_BEEF }, "wrote past \(count) values")
                }
            }
        }
    }

    /// Document gaps: a whole block is interleaved in four lanes, shorter ones packed as `pack` packs; at every
    /// width and count they read back exactly, in the same number of bytes, and a whole block's bytes are
    /// those the layout defines (value `i` at bit `(i / 4) * width` of lane `i % 4`, word `m` of lane `j` at byte
    /// `16m + 4j`), worked out here bit by bit.
    @Test func gapsReadBackAndWholeBlocksAreInterleaved() throws {
        let scratch = ScratchDirectory()
        var generator = SplitMix64(seed: 12)
        for width in 0...32 {
            for count in [1, 31, 32, 96, 127, 128] {
                let mask: UInt64 = width == 32 ? 0xFFFF_FFFF : (1 << UInt64(width)) - 1
                var values = (0..<count).map { _ in UInt32(generator.next() & mask) }
                if width > 0 { values[count - 1] = UInt32(mask) }
                var packed: [UInt8] = [0x5A, 0xA5, 0x3C]
                BitPacking.packGaps(values, width: width, into: &packed)
                #expect(packed.count == 3 + BitPacking.byteCount(count, width: width), "width \(width), count \(count)")
                if count == 128 && width > 0 {
                    var expected = [UInt8](repeating: 0, count: 16 * width)
                    for (i, value) in values.enumerated() {
                        for b in 0..<width where value >> UInt32(b) & 1 == 1 {
                            let bit = (i / 4) * width + b
                            let byte = 16 * (bit / 32) + 4 * (i % 4) + (bit % 32) / 8
                            expected[byte] |= 1 << UInt8(bit % 8)
                        }
                    }
                    #expect(Array(packed[3...]) == expected, "width \(width): the interleaved layout")
                }
                let file = try MappedFile(path: scratch.write("g\(width)-\(count)", bytes: packed + [UInt8](repeating: 0xFF, count: 8)))
                let output = Self.unpacked { unsafe file.unpackGaps(count, width: width, at: 3, into: $0) }
                #expect(Array(output[..<count]) == values, "width \(width), count \(count)")
                #expect(output[count...].allSatisfy { $0 == 0xDEAD_BEEF }, "wrote past \(count) values")
            }
        }
    }
}

@Suite("Varints in a mapped file")
struct MappedVarIntTests {
    /// Skipping `k` varints lands where reading them one by one does, from every start, for every `k`, with
    /// the word-at-a-time path and the byte-at-a-time tail; running past `end` fails instead of reading on.
    @Test func skipLandsWhereReadingDoes() throws {
        let scratch = ScratchDirectory()
        var random = SplitMix64(seed: 31)
        var bytes: [UInt8] = []
        var starts: [Int] = []
        for _ in 0..<300 {
            starts.append(bytes.count)
            let size = Int(random.next() % 5)  // 0: one byte ... 4: five bytes
            VarInt.append(UInt64(random.next() % (UInt64(1) << UInt64(7 * (size + 1)))), to: &bytes)
        }
        starts.append(bytes.count)
        let file = try MappedFile(path: scratch.write("varints", bytes: bytes))
        for first in stride(from: 0, to: 300, by: 7) {
            for count in [0, 1, 2, 7, 8, 9, 15, 16, 17, 40, 300 - first] where first + count <= 300 {
                var offset = starts[first]
                #expect(file.skipVarints(count, at: &offset, end: bytes.count))
                #expect(offset == starts[first + count], "skip \(count) from varint \(first)")
            }
            var offset = starts[first]
            #expect(!file.skipVarints(300 - first + 1, at: &offset, end: bytes.count), "one more varint than there are")
            offset = starts[first]
            #expect(!file.skipVarints(300 - first, at: &offset, end: bytes.count - 1), "the last varint runs past end")
        }
    }
}

@Suite("Decoded blocks")
struct DecodedBlockTests {
    /// Gaps to document numbers, for a whole block (interleaved) and shorter ones: the 32-bit fast path and
    /// the checked 64-bit path give the running sums a plain 64-bit computation gives, and a sum that would
    /// pass 2^32 - 1 is refused, not wrapped.
    @Test func documentsFromGapsMatchPlainSums() throws {
        let scratch = ScratchDirectory()
        var generator = SplitMix64(seed: 21)
        let cases: [(Int, Int64)] = [(0, -1), (1, 7), (3, -1), (7, 1000), (17, 5), (24, 3_000_000_000), (31, 12), (32, -1), (32, 4_000_000_000)]
        for (width, previous) in cases {
            for count in [128, 96, 77] {
                let mask: UInt64 = width == 32 ? 0xFFFF_FFFF : (1 << UInt64(width)) - 1
                let gaps = (0..<count).map { _ in UInt32(generator.next() & mask) }
                var packed: [UInt8] = []
                BitPacking.packGaps(gaps, width: width, into: &packed)
                let file = try MappedFile(path: scratch.write("gaps-\(width)-\(previous)-\(count)", bytes: packed + [UInt8](repeating: 0, count: 8)))
                let block = DecodedBlock()
                var expected: [Int64] = []
                var running = previous
                for gap in gaps {
                    running += Int64(gap) + 1
                    expected.append(running)
                }
                let last = unsafe DecodedBlock.unpackDocuments(into: UnsafeMutablePointer(mutating: block.documents), from: file,
                                                               count: count, width: width, at: 0, after: previous)
                let label = "width \(width), \(count) gaps after \(previous)"
                if running < Int64(UInt32.max) {
                    #expect(last == running, "\(label)")
                    #expect((0..<count).map { Int64(block.get(.documents, $0)) } == expected, "\(label)")
                } else {
                    #expect(last == nil, "\(label): the sums pass 2^32 - 1")
                }
            }
        }
    }
}

@Suite("Record compression")
struct RecordCompressionTests {
    static func roundTrip(_ input: [UInt8], dictionary: [UInt8]) throws -> (decoded: [UInt8], compressedSize: Int) {
        let codes = RecordCompression.Codes.trained(on: dictionary)
        var compressor = RecordCompression.Compressor(dictionary: dictionary, codes: codes)
        var compressed: [UInt8] = []
        compressor.compress(input, into: &compressed)
        let decoded = try RecordCompression.Decompressor(codes: codes).decompress(compressed.span, dictionary: dictionary.span)
        return (decoded, compressed.count)
    }

    @Test func realRecordsRoundTripAndShrink() throws {
        // The records of the first arXiv papers, as the index stores them, with the dictionary the writer makes.
        let records = try arxivSamplePapers(1000).map { paper in
            var writer = JSONWriter()
            paper.writeRecord(into: &writer)
            return writer.bytes
        }
        let dictionary = Array(records.joined().prefix(RecordCompression.dictionaryLength))
        let codes = RecordCompression.Codes.trained(on: dictionary)
        var compressor = RecordCompression.Compressor(dictionary: dictionary, codes: codes)
        let decompressor = RecordCompression.Decompressor(codes: codes)
        var raw = 0, stored = 0
        for record in records {
            var compressed: [UInt8] = []
            compressor.compress(record, into: &compressed)
            #expect(try decompressor.decompress(compressed.span, dictionary: dictionary.span) == record)
            raw += record.count
            stored += compressed.count
        }
        #expect(Double(raw) / Double(stored) > 2.5, "ratio \(Double(raw) / Double(stored))")
    }

    @Test func edgeCasesRoundTrip() throws {
        var random = SplitMix64(seed: 11)
        let noise = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let text = Array("the quick brown fox jumps over the lazy dog; ".utf8)
        let dictionary = Array(text + noise.prefix(100))
        // Far repeats: a 200 KB record whose repeats lie beyond the 64 KiB window as well as within it.
        var far: [UInt8] = []
        for round in 0..<40 { far += noise.shuffled(using: &random).prefix(5000) + Array("block \(round) ".utf8) }
        let inputs: [[UInt8]] = [
            [], [7], [1, 2, 3], Array(repeating: 0x61, count: 10_000), noise,
            Array(repeating: text, count: 50).flatMap { $0 }, Array(noise.prefix(300) + noise.prefix(300) + noise.prefix(300)),
            Array(dictionary.suffix(40)) + text, far,
        ]
        for input in inputs {
            for dictionary in [[], dictionary] {
                #expect(try Self.roundTrip(input, dictionary: dictionary).decoded == input, "\(input.count) bytes")
            }
        }
    }

    @Test func aMatchMayRunFromTheDictionaryIntoTheRecord() throws {
        let dictionary = Array("hello world".utf8)
        let codes = RecordCompression.Codes.trained(on: dictionary)
        // Length 8: a match of 8 at distance 5, "world" from the dictionary, then "wor" from the record itself.
        var writer = RecordCompression.CodeWriter(codes: codes)
        writer.match(length: 8, distance: 5)
        writer.finish()
        let record = [8] + writer.bytes
        #expect(try RecordCompression.Decompressor(codes: codes).decompress(record.span, dictionary: dictionary.span) == Array("worldwor".utf8))
    }

    @Test func codesFitTheirLimitAndFillTheCodeSpace() throws {
        // Counts from 1 to 2^30: unlimited, the rarest symbols would take 30 bits.
        let counts = (0..<286).map { 1 << min($0 / 9, 30) }
        let lengths = HuffmanCode.lengths(counts: counts, limit: 12)
        #expect(lengths.allSatisfy { $0 >= 1 && $0 <= 12 })
        // Kraft's sum of a complete code is exactly 1.
        #expect(lengths.reduce(0) { $0 + (1 << (12 - Int($1))) } == 1 << 12)
        #expect(HuffmanCode.lengths(counts: [0, 5, 0], limit: 12) == [0, 1, 0])
        #expect(HuffmanCode.lengths(counts: [1, 1, 2, 4], limit: 12) == [3, 3, 2, 1])
        // Stored lengths that over-subscribe the code space, or pass 12 bits, are refused.
        #expect(RecordCompression.Codes(lengths: [UInt8](repeating: 1, count: RecordCompression.Codes.storedLength)) == nil)
        #expect(RecordCompression.Codes(lengths: [UInt8](repeating: 13, count: RecordCompression.Codes.storedLength)) == nil)
        #expect(RecordCompression.Codes(lengths: [9]) == nil)
    }

    @Test func damagedRecordsFailCleanly() throws {
        let dictionary = Array("an abstract about deep learning and graphs".utf8)
        let input = Array(String(repeating: "deep learning on graphs, an abstract. ", count: 20).utf8)
        let codes = RecordCompression.Codes.trained(on: dictionary)
        var compressor = RecordCompression.Compressor(dictionary: dictionary, codes: codes)
        let decompressor = RecordCompression.Decompressor(codes: codes)
        var compressed: [UInt8] = []
        compressor.compress(input, into: &compressed)
        for length in 0..<compressed.count {
            #expect(throws: RecordCompression.DamagedRecord.self) {
                _ = try decompressor.decompress(Array(compressed.prefix(length)).span, dictionary: dictionary.span)
            }
        }
        // Flipped bytes either fail or decode to something of the stated length; they never read out of bounds.
        var random = SplitMix64(seed: 5)
        for _ in 0..<3000 {
            var damaged = compressed
            damaged[Int.random(in: 0..<damaged.count, using: &random)] ^= UInt8.random(in: 1...255, using: &random)
            if let decoded = try? decompressor.decompress(damaged.span, dictionary: dictionary.span) {
                var position = 0
                #expect(UInt64(decoded.count) == VarInt.read(damaged.span, at: &position))
            }
        }
        #expect(throws: RecordCompression.DamagedRecord.self) {
            _ = try decompressor.decompress([0xFF, 0xFF, 0xFF, 0x7F, 0].span, dictionary: dictionary.span)
        }
    }
}
