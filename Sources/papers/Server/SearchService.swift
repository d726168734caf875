import PaperSearch
import Synchronization

/// What `papers serve` answers: the page and the JSON API, over one open index that follows the index's
/// folder — when a build publishes a new generation, the next requests use it, while requests in flight
/// finish on the one they started with (each takes its own `Searcher`, which keeps its index mapped).
///
///     GET  /                          the search page (`WebPage`)
///     GET  /api/search?q=&k=&offset=&sort=&facets=&facetLimit=&count=true&snippets=false&records=false&exact=true   as `papers search --json`
///     GET  /api/similar?id=…[&id=…]&k=                               as `papers similar --json`
///     POST /api/similar               {"ids": [...]} or {"text": "...", "title": "..."}, optional "k"
///     GET  /api/papers/{id}           one paper's record, as `papers show --json`
///     GET  /api/stats                 as `papers stats --json`
///     GET  /api/health                {"status": "ok", "papers": N, "generation": "gen-…"}
///
/// Errors are JSON (`{"error": {"status", "message", "position"}}`): 400 for a bad query (with its
/// position) or parameter, 404 for an unknown paper or path, 405 for a wrong method, 413 for a body over
/// 1 MiB; 503 when overloaded and 431 for oversized headers come from `HTTPServer`.
final class SearchService: Sendable {
    private let state: Mutex<(searcher: Searcher, checked: Double)>
    /// Whether to serve the browser test's script (`--browser-test`).
    private let browserTest: Bool
    /// How often the index's folder is looked at for a newer generation.
    static let reopenInterval = 0.2

    init(searcher: Searcher, browserTest: Bool = false) {
        state = Mutex((searcher, HTTPServer.now()))
        self.browserTest = browserTest
    }

    /// The searcher for one request: of the newest generation (looked for at most every `reopenInterval`).
    func currentSearcher() -> Searcher {
        let (searcher, checked) = state.withLock { $0 }
        let now = HTTPServer.now()
        guard now - checked >= SearchService.reopenInterval else { return searcher }
        state.withLock { $0.checked = now }
        do {
            let index = try searcher.index.reopened()
            guard index !== searcher.index else { return searcher }
            let fresh = try Searcher(index: index, parameters: searcher.parameters)
            state.withLock { $0.searcher = fresh }
            return fresh
        } catch {
            // A damaged or half-visible new generation: keep serving the one that works.
            return searcher
        }
    }

    func handle(_ request: HTTPRequest) -> HTTPResponse {
        let method = request.method == "HEAD" ? "GET" : request.method
        let path = request.path
        switch path {
        case "/":
            guard method == "GET" else { return .error(405, "use GET", allow: "GET, HEAD") }
            return page(WebPage.html, type: "text/html; charset=utf-8")
        case "/static/app.js":
            guard method == "GET" else { return .error(405, "use GET", allow: "GET, HEAD") }
            return page(WebPage.javascript, type: "text/javascript; charset=utf-8")
        case "/static/app.css":
            guard method == "GET" else { return .error(405, "use GET", allow: "GET, HEAD") }
            return page(WebPage.css, type: "text/css; charset=utf-8")
        case "/static/selftest.js" where browserTest:
            return page(WebPage.selfTest, type: "text/javascript; charset=utf-8")
        case "/api/health":
            guard method == "GET" else { return .error(405, "use GET", allow: "GET, HEAD") }
            let index = currentSearcher().index
            return .json(.object(JSONObject([("status", .string("ok")), ("papers", .integer(index.documentCount)),
                                             ("generation", .string(index.generation))])))
        case "/api/stats":
            guard method == "GET" else { return .error(405, "use GET", allow: "GET, HEAD") }
            return .json(StatsCommand.statisticsJSON(currentSearcher().index.statisticsSummary))
        case "/api/search":
            guard method == "GET" else { return .error(405, "use GET", allow: "GET, HEAD") }
            return search(request)
        case "/api/similar":
            guard method == "GET" || method == "POST" else { return .error(405, "use GET or POST", allow: "GET, HEAD, POST") }
            return similar(request, post: method == "POST")
        default:
            if path.hasPrefix("/api/papers/") {
                guard method == "GET" else { return .error(405, "use GET", allow: "GET, HEAD") }
                return paper(String(path.dropFirst("/api/papers/".count)))
            }
            return .error(404, "no such page: \(path.prefix(200))")
        }
    }

    private func page(_ text: String, type: String) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: type, body: Array(text.utf8),
                     extraHeaders: [("Content-Security-Policy", WebPage.securityPolicy), ("Cache-Control", "no-cache")])
    }

    /// An integer parameter within `range`, or the default; nil (with the error) when malformed.
    private func integer(_ request: HTTPRequest, _ name: String, default value: Int, _ range: ClosedRange<Int>) -> Result<Int, HTTPResponseError> {
        guard let text = request.parameter(name) else { return .success(value) }
        guard let number = Int(text), range.contains(number) else {
            return .failure(HTTPResponseError(.error(400, "\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text.prefix(40))'")))
        }
        return .success(number)
    }

    private func search(_ request: HTTPRequest) -> HTTPResponse {
        guard let text = request.parameter("q"), !text.isEmpty else { return .error(400, "the query parameter q is missing") }
        var options = SearchOptions(snippets: true)
        do {
            options.limit = try integer(request, "k", default: 10, 0...1000).get()
            options.offset = try integer(request, "offset", default: 0, 0...100_000).get()
            options.facetLimit = try integer(request, "facetLimit", default: 10, 0...1000).get()
        } catch { return error.response }
        let sortName = request.parameter("sort") ?? "relevance"
        guard let sort = SortOrder(rawValue: sortName) else { return .error(400, "sort takes relevance, date or -date, not '\(sortName.prefix(40))'") }
        options.sort = sort
        for name in (request.parameter("facets") ?? "").split(separator: ",") {
            guard let field = FacetField(rawValue: String(name)) else {
                return .error(400, "facets takes year, category, venue and author, not '\(name.prefix(40))'")
            }
            if !options.facets.contains(field) { options.facets.append(field) }
        }
        options.exactCount = request.parameter("count") == "true"
        options.snippets = request.parameter("snippets") != "false"
        // records=false: hits with id and score only, no stored record read (the search alone, as `papers bench`
        // times it).
        options.records = request.parameter("records") != "false"
        // exact=true: words no paper holds are not searched as their near spellings (`papers search --exact`).
        options.corrections = request.parameter("exact") != "true"
        do {
            let results = try currentSearcher().search(text, options: options)
            return .json(SearchCommand.resultsJSON(results, text: text, offset: options.offset))
        } catch {
            return failure(error)
        }
    }

    private func similar(_ request: HTTPRequest, post: Bool) -> HTTPResponse {
        var ids = request.parameters("id")
        var text: String?, title = ""
        var limit: Int
        do { limit = try integer(request, "k", default: 10, 0...1000).get() } catch { return error.response }
        if post {
            guard case let .object(body)? = try? JSONParser.parse(request.body) else {
                return .error(400, "the body must be a JSON object: {\"ids\": [...]} or {\"text\": \"...\"}")
            }
            if case let .array(items)? = body["ids"] { ids = items.compactMap(\.stringOrNumberText) }
            text = body["text"]?.stringOrNumberText
            title = body["title"]?.stringOrNumberText ?? ""
            if let k = body["k"]?.integerValue {
                guard (0...1000).contains(k) else { return .error(400, "k takes a whole number from 0 to 1000") }
                limit = k
            }
        }
        guard ids.isEmpty != (text == nil) else { return .error(400, "give paper ids (id=...) or a text, one of them") }
        let options = SimilarOptions(limit: limit, snippets: true)
        do {
            let searcher = currentSearcher()
            let results = try text.map { try searcher.similar(text: $0, title: title, options: options) }
                ?? searcher.similar(to: ids, options: options)
            return .json(SimilarCommand.resultsJSON(results, sources: ids))
        } catch let error as SearchError {
            return failure(error)
        } catch {
            return .error(500, "\(error)")
        }
    }

    private func paper(_ id: String) -> HTTPResponse {
        let index = currentSearcher().index
        do {
            guard let document = try index.documentNumber(forID: id) else { return .error(404, "no paper with id '\(id.prefix(200))'") }
            var writer = JSONWriter()
            try index.paper(at: document).writeRecord(into: &writer)
            writer.raw("\n")
            return HTTPResponse(status: 200, contentType: "application/json; charset=utf-8", body: writer.bytes)
        } catch {
            return .error(500, "\(error)")
        }
    }

    private func failure(_ error: SearchError) -> HTTPResponse {
        switch error {
        case let .query(problem): return .error(400, problem.message, position: problem.query.isEmpty ? nil : problem.position)
        case let .unknownPaper(id): return .error(404, "no paper with id '\(id.prefix(200))'")
        case let .invalidParameters(reason): return .error(400, reason)
        case let .index(damage): return .error(500, damage.description)
        }
    }
}

/// An error answer carried through `Result` (a response is not an `Error`).
struct HTTPResponseError: Error {
    let response: HTTPResponse
    init(_ response: HTTPResponse) { self.response = response }
}
