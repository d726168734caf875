import PaperSearch

/// Relevance judgments: query id -> document id -> grade (> 0 relevant, 0 judged not relevant).
public struct RelevanceJudgments: Sendable {
    public var grades: [String: [String: Int]] = [:]

    public init(grades: [String: [String: Int]] = [:]) { self.grades = grades }

    /// Reads a qrels file: `query document grade` (TREC's four-column form `query 0 document grade` too),
    /// separated by tabs or spaces; a BEIR header line (`query-id corpus-id score`) is skipped. The file is
    /// read once, line by line (a pipe works), gzipped or not; a line over 64 KiB or a file over
    /// `InputLimits.fileBytes` is an error.
    public init(path: String) throws(EvaluationError) {
        try InputLimits.forEachLine(path: path, lineLimit: 64 << 10) { (number, line) throws(EvaluationError) in
            let fields = String(decoding: line, as: UTF8.self).split(whereSeparator: { $0 == "\t" || $0 == " " })
            if fields.isEmpty { return }
            guard fields.count == 3 || fields.count == 4, let grade = Int(fields[fields.count - 1]) else {
                if number == 1 && fields.count >= 3 && Int(fields[fields.count - 1]) == nil { return }  // a header
                throw .malformed(path: path, line: number, reason: "expected 'query document grade'")
            }
            grades[String(fields[0]), default: [:]][String(fields[fields.count - 2])] = grade
        }
    }

    /// Queries with at least one relevant document (the ones that are evaluated).
    public var judgedQueries: [String] {
        grades.filter { $0.value.values.contains { $0 > 0 } }.keys.sorted()
    }
}

public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case let .malformed(path, line, reason): return "\(path):\(line): \(reason)"
        }
    }
}

/// Retrieval metrics, computed as trec_eval and ir_measures do.
public enum Metrics {
    /// nDCG@k with gain = grade and discount log2(rank + 1); the ideal ranking uses every judged grade.
    public static func ndcg(_ ranking: [String], _ judgments: [String: Int], at k: Int) -> Double {
        var dcg = 0.0
        for (rank, document) in ranking.prefix(k).enumerated() {
            let grade = judgments[document] ?? 0
            if grade > 0 { dcg += Double(grade) / log2(Double(rank + 2)) }
        }
        let ideal = judgments.values.filter { $0 > 0 }.sorted(by: >).prefix(k)
        var idcg = 0.0
        for (rank, grade) in ideal.enumerated() { idcg += Double(grade) / log2(Double(rank + 2)) }
        return idcg > 0 ? dcg / idcg : 0
    }

    /// Relevant documents in the top k, over all relevant documents.
    public static func recall(_ ranking: [String], _ judgments: [String: Int], at k: Int) -> Double {
        let relevant = judgments.values.filter { $0 > 0 }.count
        guard relevant > 0 else { return 0 }
        let found = ranking.prefix(k).filter { (judgments[$0] ?? 0) > 0 }.count
        return Double(found) / Double(relevant)
    }

    /// Average precision over the whole ranking, divided by all relevant documents.
    public static func averagePrecision(_ ranking: [String], _ judgments: [String: Int]) -> Double {
        let relevant = judgments.values.filter { $0 > 0 }.count
        guard relevant > 0 else { return 0 }
        var found = 0
        var sum = 0.0
        for (rank, document) in ranking.enumerated() where (judgments[document] ?? 0) > 0 {
            found += 1
            sum += Double(found) / Double(rank + 1)
        }
        return sum / Double(relevant)
    }

    /// 1 / rank of the first relevant document within the top k, else 0.
    public static func reciprocalRank(_ ranking: [String], _ judgments: [String: Int], at k: Int) -> Double {
        for (rank, document) in ranking.prefix(k).enumerated() where (judgments[document] ?? 0) > 0 {
            return 1 / Double(rank + 1)
        }
        return 0
    }

    private static func log2(_ x: Double) -> Double { Math.log(x) / Math.log(2) }
}

/// The mean metrics of a run over the judged queries.
public struct EvaluationSummary: Sendable {
    public var queries: Int
    public var ndcgAt10: Double
    public var recallAt100: Double
    public var meanAveragePrecision: Double
    public var mrrAt10: Double

    /// Evaluates rankings (query id -> document ids, best first) against judgments. Judged queries missing
    /// from the run count as zero.
    public init(rankings: [String: [String]], judgments: RelevanceJudgments) {
        let queries = judgments.judgedQueries
        self.queries = queries.count
        var ndcg = 0.0, recall = 0.0, map = 0.0, mrr = 0.0
        for query in queries {
            let ranking = rankings[query] ?? []
            let grades = judgments.grades[query] ?? [:]
            ndcg += Metrics.ndcg(ranking, grades, at: 10)
            recall += Metrics.recall(ranking, grades, at: 100)
            map += Metrics.averagePrecision(ranking, grades)
            mrr += Metrics.reciprocalRank(ranking, grades, at: 10)
        }
        let n = Double(max(1, queries.count))
        ndcgAt10 = ndcg / n
        recallAt100 = recall / n
        meanAveragePrecision = map / n
        mrrAt10 = mrr / n
    }
}

/// A query of a query file: `{"id": ..., "text": ...}` (optionally `"type"`, for benchmarks, and `"ids"`,
/// papers whose likes are wanted).
public struct QueryRecord: Sendable, Equatable {
    public var id: String
    public var text: String
    public var type: String?
    public var ids: [String]
    /// A title, for queries that are whole papers.
    public var title: String?
    /// The query in the query language when the line gives it apart from its plain words (`query`, as the
    /// peers harness's AND and phrase logs do: "+w1 +w2", "\"w1 w2\""); read with `--syntax`.
    public var query: String?

    /// What `--syntax` searches: the query-language form, else the text.
    public var syntaxText: String { query ?? text }

    /// Reads JSON Lines of queries, once and line by line (a pipe works), gzipped or not. A line over 1 MiB, a
    /// file over `InputLimits.fileBytes` or more than `InputLimits.queries` queries is an error.
    public static func read(path: String) throws(EvaluationError) -> [QueryRecord] {
        var records: [QueryRecord] = []
        try InputLimits.forEachLine(path: path, lineLimit: 1 << 20) { (number, line) throws(EvaluationError) in
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            guard records.count < InputLimits.queries else {
                throw .malformed(path: path, line: number, reason: "more than \(InputLimits.queries) queries")
            }
            guard case let .object(object)? = try? JSONParser.parse(line) else {
                throw .malformed(path: path, line: number, reason: "not a JSON object")
            }
            guard let id = object["id"]?.stringOrNumberText ?? object["_id"]?.stringOrNumberText else {
                throw .malformed(path: path, line: number, reason: "no \"id\"")
            }
            var ids: [String] = []
            if case let .array(items)? = object["ids"] { ids = items.compactMap(\.stringOrNumberText) }
            let text = object["text"]?.stringOrNumberText ?? object["query"]?.stringOrNumberText ?? ""
            guard !text.isEmpty || !ids.isEmpty else { throw .malformed(path: path, line: number, reason: "no \"text\"") }
            records.append(QueryRecord(id: id, text: text, type: object["type"]?.stringOrNumberText, ids: ids,
                                       title: object["title"]?.stringOrNumberText, query: object["query"]?.stringOrNumberText))
        }
        return records
    }
}

/// The most that is read of query files, judgments and texts given to a command, so that a wrong argument
/// (`/dev/zero`, a corpus given as queries) ends with a clear error instead of taking all memory.
public enum InputLimits {
    /// Bytes of a query or judgments file.
    public static let fileBytes = 256 << 20
    /// Queries in a query file.
    public static let queries = 1_000_000
    /// Bytes of a text to find similar papers for (`similar --text`).
    public static let textBytes = 1 << 20

    /// Calls `body` with each line (1-based number, bytes without the line break) of a file, read once.
    static func forEachLine(path: String, lineLimit: Int,
                            _ body: (Int, ArraySlice<UInt8>) throws(EvaluationError) -> Void) throws(EvaluationError) {
        var lines: TextFileLines
        do { lines = try TextFileLines(path: path, maximumLineLength: lineLimit) } catch {
            throw .unreadable(path: path, reason: error.reason)
        }
        while true {
            let next: (number: Int, bytes: ArraySlice<UInt8>, isTruncated: Bool)?
            do { next = try lines.next() } catch { throw .unreadable(path: path, reason: error.reason) }
            guard let line = next else { return }
            if line.isTruncated {
                throw .malformed(path: path, line: line.number, reason: "longer than \(StorageError.size(lineLimit))")
            }
            if lines.bytesConsumed > fileBytes {
                throw .malformed(path: path, line: line.number, reason: "the file is larger than \(StorageError.size(fileBytes))")
            }
            try body(line.number, line.bytes)
        }
    }
}

/// Writing TREC run files.
public enum RunFile {
    /// Writes the lines of a run file completely (synced).
    public static func write(_ bytes: [UInt8], to path: String) throws(StorageError) {
        try SystemCalls.writeFile(path, bytes)
    }

    /// Appends one query's ranking as run lines: `query Q0 paper rank score tag`.
    public static func append(query: String, hits: [Hit], tag: String, to lines: inout [UInt8]) {
        for (rank, hit) in hits.enumerated() {
            lines.append(contentsOf: "\(query) Q0 \(hit.id) \(rank + 1) \(hit.score) \(tag)\n".utf8)
        }
    }
}
