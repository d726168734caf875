/// Which part of a paper a query clause looks at.
public enum QueryField: String, Sendable, Equatable, CaseIterable {
    /// Title and abstract (the default).
    case text
    case title
    case abstract
    /// Author names: a word of any author, or (as a phrase) one author's name in any order, with initials.
    case author
    /// The venue, whole or word by word.
    case venue
    /// A category, whole ("cs.LG", any case) or an archive ("cs").
    case category
    /// The paper's id, as people write it (a version, an `arXiv:` prefix or an arxiv.org URL are understood).
    case id
}

/// A parsed query. Text is analysed when the query runs, with the index's analyzer.
public indirect enum Query: Sendable, Equatable {
    /// Words in a field; several words (or a compound such as "pre-training") mean any of them.
    case words(String, field: QueryField)
    /// An exact phrase: the words in order, stop words counting as gaps.
    case phrase(String, field: QueryField)
    /// Every term starting with the prefix (expanded through the term dictionary, at most `Query.prefixLimit`).
    case prefix(String, field: QueryField)
    /// The word and the terms within `distance` edits of it (a letter inserted, deleted or replaced; nil:
    /// `Query.automaticEdits`). All weigh as the most frequent of them would (a rare misspelling does not
    /// outweigh the word it misspells), each other term `Query.fuzzyDiscount` per edit of the word, so that
    /// papers holding the word as written rank first. Numbers and words with digits are never changed. At
    /// most `Query.prefixLimit` terms, the nearest and most frequent first.
    case fuzzy(String, distance: Int?, field: QueryField)
    /// Papers whose year lies in the range.
    case years(ClosedRange<Int>)
    /// Lucene's boolean query: every `must` matches, no `mustNot` matches, and — if there is no `must` — at
    /// least one `should` matches. `must` and `should` clauses add to the score; `mustNot` clauses never do.
    case boolean(must: [Query], should: [Query], mustNot: [Query])

    /// The most edits a fuzzy word may allow (`word~2`).
    public static let maximumEdits = 2
    /// What a term found by a fuzzy word weighs, per edit, against the word itself.
    public static let fuzzyDiscount = 0.5
    /// What the nearest spellings of a word of a short query that no paper holds weigh, against what the
    /// word would: a correction has no exact match to rank below, only the doubt that it is what was meant.
    /// Each edit beyond the nearest weighs `fuzzyDiscount` more. (Known-item queries with typos on
    /// arxiv-daily, three samples of 500: MRR@10 is highest at 0.8, 0.004-0.007 above 0.7 and 0.9.)
    public static let correctionWeight = 0.8
    /// A word of a short query, of up to eight letters, that no paper holds, and no term one edit away from
    /// which this share of the papers holds, is also compared with the terms two edits away: rare words one
    /// slip away are as often chance neighbours as the word meant, which two slips may have hidden. (Known
    /// items with typos on arxiv-daily: MRR@10 +0.006 to +0.03; keeping only the common terms two edits away
    /// loses most of that, so the word meant is often itself rare.)
    public static let commonShare = 0.005
    /// When the walks that hold a word's first letter (or its second) find no term that `commonShare` of the
    /// papers holds, the slip may be in the first letter itself ("xoure" for "source"): a walk that holds no
    /// letter looks again, reading at most this many dictionary terms (it reads several times what the held
    /// walks do; beyond this bound its terms are left out and the correction keeps what the others found).
    /// (Known items with typos: MRR@10 +0.01 to +0.02 on arxiv-daily and the 1M synthetic corpus.)
    public static let unheldWalkLimit = 20_000

    /// The edits a fuzzy word allows when the query does not say (`word~`): none for words of one or two
    /// letters, one up to eight, two beyond (counted on the analysed word, its stem; for a correction, on the
    /// word as typed).
    public static func automaticEdits(forLength length: Int) -> Int {
        length < 3 ? 0 : (length <= 8 ? 1 : 2)
    }

    /// What an acronym's long form weighs against the acronym a query wrote, and the acronym against the long
    /// form a query wrote: a little less, so that papers using the query's own words rank first.
    public static let acronymDiscount = 0.9
    /// The least share of the papers holding a word that must define a long form of it for the word to be
    /// searched as that long form too. Acronyms are mostly used where they are defined or known ("LLM":
    /// 63% of the arxiv-daily papers holding it define it; "AI" 7%), a common word that is also an acronym
    /// is not ("gap" 0.08%, "map" 1.2%).
    public static let acronymWordShare = 0.02
    /// Short queries, of at most this many words (terms), get acronyms and long forms expanded and words
    /// few papers hold corrected (`rareFrequency`). In longer queries the other words carry the topic:
    /// expansions cost ranking precision (measured on SciFact's claims) for little recall, and a rare word
    /// among many is most often meant (a pasted title).
    public static let shortQueryWords = 4

    /// The shortest word (as typed) that a search corrects when no paper holds it
    /// (`SearchOptions.corrections`). A slip that drops a letter of a five-letter word leaves four ("scae"
    /// for "scale"): known items with typos on arxiv-daily, MRR@10 +0.005 to +0.01 against five letters.
    public static let correctedLength = 4
    /// The shortest word whose correction looks two edits away when nothing common is one edit away
    /// (`commonShare`, `unheldWalkLimit`).
    public static let widenedLength = 5
    /// A word at most this many papers hold is also searched as the near spellings that `rareFactor` times
    /// as many papers hold (a slip that made another, rare word), and gets a "did you mean".
    public static let rareFrequency = 2
    public static let rareFactor = 10

    /// How many terms a prefix may expand to; the most frequent are kept.
    public static let prefixLimit = 128
    /// How many dictionary terms all prefixes of one query may match before the query is refused (each is
    /// read to find the most frequent): a bound on the time a query of many short prefixes takes.
    public static let prefixScanLimit = 50_000
    /// How many terms all prefixes of one query may add together (Lucene's clause limit is 1,024 too).
    public static let expansionLimit = 1024
    /// How deeply clauses may nest (parentheses, or queries built in code): deeper ones are refused before
    /// any recursive walk could exhaust the stack.
    public static let maximumDepth = 64

    /// The nesting depth, if it exceeds `limit` (found without recursion, so any depth is safe to measure).
    func depthExceeding(_ limit: Int) -> Int? {
        var stack: [(Query, Int)] = [(self, 1)]
        var deepest = 0
        while let (query, depth) = stack.popLast() {
            deepest = max(deepest, depth)
            if case let .boolean(must, should, mustNot) = query {
                for child in must + should + mustNot { stack.append((child, depth + 1)) }
            }
        }
        return deepest > limit ? deepest : nil
    }
}

/// A malformed query, with the position where the problem was found.
public struct QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Zero-based character offset in the query text.
    public var position: Int
    public var message: String
    /// The query text, for showing the position.
    public var query: String

    public init(position: Int, message: String, query: String) {
        self.position = position
        self.message = message
        self.query = query
    }

    /// The message and the query with a caret under the position:
    ///
    ///     unbalanced quote at position 6
    ///       quantum "error
    ///               ^
    /// (A problem of the whole query, such as too many prefix expansions, has no query text and no caret.)
    public var description: String {
        guard !query.isEmpty else { return message }
        return "\(message) at position \(position)\n  \(query)\n  " + String(repeating: " ", count: position) + "^"
    }
}
