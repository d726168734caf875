import Dispatch
import Foundation
import Testing
@testable import PaperSearch

@Suite("Verified regions")
struct VerifiedRegionsTests {
    /// The bits set are exactly those inserted (against a set), across word boundaries; numbers out of range
    /// are never recorded.
    @Test func holdsExactlyWhatWasInserted() {
        let regions = VerifiedRegions(count: 200)
        var random = SplitMix64(seed: 5)
        var inserted: Set<Int> = [0, 63, 64, 127, 199]
        for _ in 0..<60 { inserted.insert(Int(random.next() % 200)) }
        for region in inserted { regions.insert(region) }
        regions.insert(200)
        regions.insert(-1)
        for region in -2..<203 { #expect(regions.contains(region) == inserted.contains(region), "\(region)") }
    }

    /// Threads setting bits of the same words lose none of them.
    @Test func threadsShareTheBits() {
        let regions = VerifiedRegions(count: 4096)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for region in stride(from: thread, to: 4096, by: 8) { regions.insert(region) }
        }
        #expect((0..<4096).allSatisfy(regions.contains))
    }

    /// `verify` checksums a region until it matches, records it then, and does not checksum it again.
    @Test func verifiesARegionOnceItMatches() throws {
        let scratch = ScratchDirectory()
        let path = scratch.path + "/bytes"
        var bytes = (0..<64).map { UInt8($0) }
        try SystemCalls.writeFile(path, bytes)
        let checksum = BlockChecksum.of(bytes[8..<40])
        let regions = VerifiedRegions(count: 4)
        do {
            let file = try MappedFile(path: path)
            #expect(!regions.verify(1, file, 8, 32, checksum: checksum &+ 1))
            #expect(!regions.contains(1))
            #expect(!regions.verify(1, file, 60, 32, checksum: checksum))  // outside the file
            #expect(regions.verify(1, file, 8, 32, checksum: checksum))
            #expect(regions.contains(1))
        }
        // Changed bytes of a region already verified are not checksummed again: the record trusts what
        // matched once (index files never change in place).
        bytes[10] ^= 0xFF
        try SystemCalls.writeFile(path, bytes)
        let changed = try MappedFile(path: path)
        #expect(regions.verify(1, changed, 8, 32, checksum: checksum))
        #expect(!regions.verify(2, changed, 8, 32, checksum: checksum))
    }

    /// No two checksummed regions of a segment's postings share a number (`PostingsRegion`): every block and
    /// its positions, every skip table of a list of several blocks, and every list of one block, over an
    /// index whose lists end at and around block boundaries.
    @Test func postingsRegionsHaveNumbersOfTheirOwn() throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build(IndexFixtures.randomPapers(count: 1500, seed: 31), in: scratch.path)
        let segment = try SearchIndex.open(at: scratch.path).soleSegment
        var withSkipTable: Set<Int> = [], oneBlock: Set<Int> = []
        var regions = 0, oneBlockRegions = 0
        try segment.terms.forEachTerm { (_: [UInt8], info: TermInfo) throws(IndexError) in
            if info.blockCount >= 2 {
                let first = info.postingsOffset / SkipEntry.size
                withSkipTable.insert(PostingsRegion.skipTable.number(entry: first))
                regions += 1
                for block in 0..<info.blockCount {
                    withSkipTable.insert(PostingsRegion.block.number(entry: first + block))
                    withSkipTable.insert(PostingsRegion.positions.number(entry: first + block))
                    regions += 2
                }
            } else if info.blockCount == 1 {
                #expect(info.onlyBlockChecksumOffset >= 0)
                let entry = info.onlyBlockChecksumOffset / PostingsRegion.oneBlockEntrySize
                oneBlock.insert(PostingsRegion.block.number(entry: entry))
                oneBlock.insert(PostingsRegion.positions.number(entry: entry))
                oneBlockRegions += 2
            }
        }
        #expect(regions > 20 && oneBlockRegions > 20)
        #expect(withSkipTable.count == regions)
        #expect(oneBlock.count == oneBlockRegions)
        #expect(withSkipTable.allSatisfy { $0 < segment.files.verified.count })
        #expect(oneBlock.allSatisfy { $0 < segment.files.verifiedOneBlock.count })
    }

    /// What one open index verified says nothing to the next: a postings block damaged on disk after a search
    /// read it is reported by every index opened afterwards.
    @Test func anIndexOpenedAgainChecksAfresh() throws {
        let scratch = ScratchDirectory()
        _ = try IndexFixtures.build(IndexFixtures.randomPapers(count: 1500, seed: 37), in: scratch.path)
        let first = try SearchIndex.open(at: scratch.path)
        _ = try Searcher(index: first).search("markertwoblocks", options: SearchOptions(limit: 300))
        // The first block of the two-block marker's list, a byte in the middle of its lanes.
        let segment = first.soleSegment
        guard let info = try segment.termInfo([FieldNamespace.text.rawValue] + Array("markertwoblock".utf8))
                ?? segment.termInfo([FieldNamespace.text.rawValue] + Array("markertwoblocks".utf8)) else {
            Issue.record("no marker term")
            return
        }
        #expect(info.blockCount == 3)
        let dataStart = info.postingsOffset + info.blockCount * SkipEntry.size
        let blockEnd = dataStart + segment.cursor(info).dataEnd(ofBlock: 0)
        let file = segment.folder + "/" + IndexComponent.postings.fileName
        try IndexIntegrityTests.flip(file, at: (dataStart + blockEnd) / 2)
        for _ in 0..<2 {
            let result = Result { () throws in try Searcher(index: try SearchIndex.open(at: scratch.path)).search("markertwoblocks", options: SearchOptions(limit: 300)) }
            guard case .failure = result else {
                Issue.record("damage to a block an earlier index had verified went unreported")
                return
            }
        }
    }
}
