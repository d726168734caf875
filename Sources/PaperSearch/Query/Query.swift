/// Which part of a paper a query clause looks at.
public enum QueryField: String, Sendable, Equatable, CaseIterable {
    /// Title and abstract (the default).
    case text
    case title
    case abstract
    /// Author names, word by word.
    case author
    /// The venue or category, whole or word by word (`venue:` and `category:` are the same field).
    case venue
}

/// A parsed query. Text is analysed when the query runs, with the index's analyzer.
public indirect enum Query: Sendable, Equatable {
    /// Words in a field; several words (or a compound such as "pre-training") mean any of them.
    case words(String, field: QueryField)
    /// An exact phrase: the words in order, stop words counting as gaps.
    case phrase(String, field: QueryField)
    /// Every term starting with the prefix (expanded through the term dictionary, at most `Query.prefixLimit`).
    case prefix(String, field: QueryField)
    /// Papers whose year lies in the range.
    case years(ClosedRange<Int>)
    /// Lucene's boolean query: every `must` matches, no `mustNot` matches, and — if there is no `must` — at
    /// least one `should` matches. `must` and `should` clauses add to the score; `mustNot` clauses never do.
    case boolean(must: [Query], should: [Query], mustNot: [Query])

    /// How many terms a prefix may expand to; the most frequent are kept.
    public static let prefixLimit = 128
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
    public var description: String {
        "\(message) at position \(position)\n  \(query)\n  " + String(repeating: " ", count: position) + "^"
    }
}
