import Testing
@testable import PaperSearch

@Suite("Term dictionary lookups")
struct TermDictionaryLookupTests {
    @Test func lookupsAgreeWithASequentialReadOfEveryTerm() throws {
        // The oracle: every (term, statistics) pair read in order. Every term must be found with the same
        // statistics; every near miss (one byte more or less, a changed last byte) must be found only if it
        // is itself a term.
        for index in [try SearchFixtures.synthetic().index, try SearchFixtures.bundled()] {
            var all: [[UInt8]: TermInfo] = [:]
            var ordered: [[UInt8]] = []
            try index.terms.forEachTerm { (term: [UInt8], info: TermInfo) throws(IndexError) in
                all[term] = info
                ordered.append(term)
            }
            #expect(ordered.count > 1000)
            for term in ordered {
                #expect(try index.terms.lookup(term) == all[term])
                var misses: [[UInt8]] = [term + [0x00], term + [0xFF], Array(term.dropLast())]
                if let last = term.last {
                    misses.append(Array(term.dropLast()) + [last &+ 1])
                    misses.append(Array(term.dropLast()) + [last &- 1])
                }
                for miss in misses { #expect(try index.terms.lookup(miss) == all[miss], "\(miss)") }
            }
            #expect(try index.terms.lookup([]) == nil)
            #expect(try index.terms.lookup([0xFF, 0xFF]) == nil)
        }
    }
}
