import Foundation
import PaperSearch

/// `acronyms INDEX [--most N]`: what the acronyms learned from an index give a query of the acronym alone.
///
/// For each trusted short form, the papers that spell a trusted long form out
/// but never write the acronym ("long-only" papers, found by the phrase less the word). Recall: the share of
/// acronyms with long-only papers whose top 20 holds one, searched as `papers search` does and with
/// expansion off; over all short forms and over the `--most` (300) most defined, whose many users make the
/// long-only papers' way into the top 20 hardest. On topic: the share of top-10 hits that hold the acronym or one of its trusted long forms.
/// Latency: p50 microseconds of the acronym queries, each way.
func acronymsBenchmark() throws {
    guard arguments.count >= 2 else { usage() }
    let index = try SearchIndex.open(at: arguments[1])
    let searcher = try Searcher(index: index)
    let trusted = try index.learnedAcronyms().filter(\.trusted)
    var longForms: [String: [String]] = [:]
    var order: [String] = []
    for acronym in trusted {
        if longForms[acronym.shortForm] == nil { order.append(acronym.shortForm) }
        longForms[acronym.shortForm, default: []].append(acronym.longForm)
    }
    let mostDefined = option("--most", default: 300)
    var everything = SearchOptions(limit: index.documentCount, snippets: false, records: false)
    everything.acronyms = false
    func documents(_ query: String) throws -> Set<Int> { Set(try searcher.search(query, options: everything).hits.map(\.document)) }

    let expanded = SearchOptions(limit: 20, snippets: false, records: false)
    var plain = expanded
    plain.acronyms = false
    let clock = ContinuousClock()
    // Short forms with long-only papers, and how many of them bring one into the top 20 (expanded, not);
    // over all short forms and over the most defined.
    var all = (withLongOnly: 0, expanded: 0, plain: 0), most = all
    var hits = 0, onTopic = 0
    var times: (expanded: [Double], plain: [Double]) = ([], [])
    for (rank, shortForm) in order.enumerated() {
        let forms = longForms[shortForm] ?? []
        var spelledOut = Set<Int>()
        for form in forms { spelledOut.formUnion(try documents("\"\(form)\"")) }
        let writing = try documents("=\(shortForm)")
        let longOnly = spelledOut.subtracting(writing)
        var top = [Int](), topPlain = [Int]()
        times.expanded.append(seconds(try clock.measure { top = try searcher.search(shortForm, options: expanded).hits.map(\.document) }) * 1e6)
        times.plain.append(seconds(try clock.measure { topPlain = try searcher.search(shortForm, options: plain).hits.map(\.document) }) * 1e6)
        if !longOnly.isEmpty {
            let found = (withLongOnly: 1, expanded: top.contains(where: longOnly.contains) ? 1 : 0,
                         plain: topPlain.contains(where: longOnly.contains) ? 1 : 0)
            all = (all.withLongOnly + 1, all.expanded + found.expanded, all.plain + found.plain)
            if rank < mostDefined { most = (most.withLongOnly + 1, most.expanded + found.expanded, most.plain + found.plain) }
        }
        for document in top.prefix(10) {
            hits += 1
            if writing.contains(document) || spelledOut.contains(document) { onTopic += 1 }
        }
    }
    emit([("benchmark", .string("acronyms")), ("index", .string(arguments[1])), ("papers", .integer(index.documentCount)),
          ("trusted_pairs", .integer(trusted.count)), ("short_forms", .integer(order.count)),
          ("short_forms_with_long_only_papers", .integer(all.withLongOnly)),
          ("long_only_in_top20", .double(Double(all.expanded) / Double(max(1, all.withLongOnly)))),
          ("long_only_in_top20_without_expansion", .double(Double(all.plain) / Double(max(1, all.withLongOnly)))),
          ("most_defined", .integer(min(mostDefined, order.count))),
          ("most_defined_with_long_only_papers", .integer(most.withLongOnly)),
          ("most_defined_long_only_in_top20", .double(Double(most.expanded) / Double(max(1, most.withLongOnly)))),
          ("most_defined_long_only_in_top20_without_expansion", .double(Double(most.plain) / Double(max(1, most.withLongOnly)))),
          ("top10_hits", .integer(hits)), ("top10_on_topic", .double(Double(onTopic) / Double(max(1, hits)))),
          ("p50_us", .double(median(times.expanded))), ("p50_us_without_expansion", .double(median(times.plain)))])
}
