import Foundation
import Glibc
import Synchronization
import Testing
@testable import PaperSearch

/// A test's setup that did not go as planned.
struct FixtureError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A running `papers serve` on a free port, stopped (SIGTERM) when the value goes away.
final class RunningServer {
    let process = Process()
    let port: Int
    let directory = TemporaryDirectory()
    private let output: FileHandle

    init(index: String, extra: [String] = []) throws {
        let outputPath = directory.path + "/serve.out"
        try SystemCalls.writeFile(outputPath, [])
        output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.executableURL = URL(fileURLWithPath: PapersProcess.executable)
        process.arguments = ["serve", "--index", index, "--port", "0", "--threads", "2"] + extra
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var found: Int?
        for _ in 0..<200 where found == nil {
            Thread.sleep(forTimeInterval: 0.05)
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                found = Int(text[range].dropFirst("127.0.0.1:".count).dropLast())
            }
        }
        guard let found else {
            process.terminate()
            throw FixtureError(message: "the server did not start: \((try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")")
        }
        port = found
    }

    var log: String { (try? String(contentsOfFile: directory.path + "/serve.out", encoding: .utf8)) ?? "" }

    /// Stops the server and returns its exit status.
    func stop() -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit {
        _ = stop()
        try? output.close()
    }
}

/// A minimal HTTP client on a raw socket, for tests that must send what no client library would.
final class RawConnection {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw FixtureError(message: "cannot connect to port \(port)") }
        var timeout = timeval(tv_sec: 15, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// One response: status, headers (lower-case names) and body; nil if the connection closed first.
    func response() -> (status: Int, headers: [String: String], body: String)? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let end = find(buffer, [13, 10, 13, 10]) {
                let head = String(decoding: buffer[..<end], as: UTF8.self).split(separator: "\r\n").map(String.init)
                let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
                var headers: [String: String] = [:]
                for line in head.dropFirst() {
                    if let colon = line.firstIndex(of: ":") {
                        headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    }
                }
                let length = Int(headers["content-length"] ?? "0") ?? 0
                while buffer.count < end + 4 + length {
                    let count = recv(descriptor, &chunk, chunk.count, 0)
                    if count <= 0 { return nil }
                    buffer += chunk[..<count]
                }
                let body = String(decoding: buffer[(end + 4)..<(end + 4 + length)], as: UTF8.self)
                leftover = Array(buffer[(end + 4 + length)...])
                return (status, headers, body)
            }
            if !leftover.isEmpty {
                buffer = leftover + buffer
                leftover = []
                continue
            }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 { return nil }
            buffer += chunk[..<count]
        }
    }

    private var leftover: [UInt8] = []

    /// Whether the server closed the connection (reads end).
    func isClosed() -> Bool {
        var byte: UInt8 = 0
        return recv(descriptor, &byte, 1, 0) <= 0
    }

    private func find(_ bytes: [UInt8], _ pattern: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        return (0...(bytes.count - pattern.count)).first { bytes[$0..<($0 + pattern.count)].elementsEqual(pattern) }
    }

    /// A GET on a fresh connection.
    static func get(_ port: Int, _ target: String) throws -> (status: Int, headers: [String: String], body: String) {
        let connection = try RawConnection(port: port)
        connection.send("GET \(target) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        guard let response = connection.response() else { throw FixtureError(message: "no response to \(target)") }
        return response
    }

    static func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }
}

@Suite("papers serve", .serialized)
struct ServeCommandTests {
    static func bundledIndex() throws -> (TemporaryDirectory, String) {
        let directory = TemporaryDirectory()
        let index = directory.path + "/idx"
        let built = try PapersProcess.run(["index", "--index", index])
        guard built.status == 0 else { throw FixtureError(message: built.errors) }
        return (directory, index)
    }

    @Test func everyEndpointAnswersInTheCommandsShapes() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let server = try RunningServer(index: index)

        let health = try RawConnection.get(server.port, "/api/health")
        #expect(health.status == 200)
        #expect(try RawConnection.json(health.body)["papers"] as? Int == 130)

        let stats = try RawConnection.json(try RawConnection.get(server.port, "/api/stats").body)
        #expect(stats["papers"] as? Int == 130 && stats["terms"] != nil)

        let search = try RawConnection.get(server.port, "/api/search?q=binary+neural+networks&k=3&facets=year,category&sort=-date")
        #expect(search.status == 200)
        #expect(search.headers["content-type"] == "application/json; charset=utf-8")
        let results = try RawConnection.json(search.body)
        let hits = try #require(results["hits"] as? [[String: Any]])
        #expect(hits.count == 3 && hits[0]["abstract"] != nil && hits[0]["snippet"] != nil)
        #expect((results["facets"] as? [[String: Any]])?.map { $0["field"] as? String } == ["year", "category"])
        // The same shape as the command's --json.
        let cli = try PapersProcess.run(["search", "binary neural networks", "-k", "3", "--facets", "year,category", "--sort", "-date", "--json", "--index", index])
        #expect(try RawConnection.json(cli.output).keys.sorted() == results.keys.sorted())

        // A word no paper holds is corrected (with a note), unless exact=true.
        let corrected = try RawConnection.json(try RawConnection.get(server.port, "/api/search?q=binarry+neurral&k=3").body)
        #expect((corrected["hits"] as? [Any])?.isEmpty == false && (corrected["notices"] as? [String])?.count == 2)
        let exact = try RawConnection.json(try RawConnection.get(server.port, "/api/search?q=binarry+neurral&k=3&exact=true").body)
        #expect((exact["hits"] as? [Any])?.isEmpty == true)

        let id = try #require(hits[0]["id"] as? String)
        let paper = try RawConnection.get(server.port, "/api/papers/" + id)
        #expect(paper.status == 200)
        #expect(try RawConnection.json(paper.body)["id"] as? String == id)

        let similar = try RawConnection.json(try RawConnection.get(server.port, "/api/similar?id=\(id)&k=2").body)
        #expect((similar["hits"] as? [Any])?.count == 2)
        let post = try RawConnection(port: server.port)
        let body = #"{"text": "binary neural networks with quantized weights", "k": 3}"#
        post.send("POST /api/similar HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let posted = try #require(post.response())
        #expect(posted.status == 200)
        #expect((try RawConnection.json(posted.body)["hits"] as? [Any])?.count == 3)

        let page = try RawConnection.get(server.port, "/")
        #expect(page.status == 200 && page.body.contains("<title>PaperSearch</title>"))
        #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        #expect(try RawConnection.get(server.port, "/static/app.js").body.contains("/api/search"))
        #expect(try RawConnection.get(server.port, "/static/selftest.js").status == 404)  // only with --browser-test
    }

    @Test func errorsAreJSONWithTheRightStatus() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let server = try RunningServer(index: index)
        func error(_ response: (status: Int, headers: [String: String], body: String)) throws -> [String: Any] {
            try #require(try RawConnection.json(response.body)["error"] as? [String: Any])
        }
        let badQuery = try RawConnection.get(server.port, "/api/search?q=quantum+%22error")
        #expect(badQuery.status == 400)
        #expect(try error(badQuery)["position"] as? Int == 8)
        #expect(try RawConnection.get(server.port, "/api/search?q=x&k=ten").status == 400)
        #expect(try RawConnection.get(server.port, "/api/search").status == 400)
        #expect(try RawConnection.get(server.port, "/api/search?q=x&facets=colour").status == 400)
        #expect(try RawConnection.get(server.port, "/api/papers/no-such-paper").status == 404)
        #expect(try RawConnection.get(server.port, "/api/similar?id=no-such-paper").status == 404)
        #expect(try RawConnection.get(server.port, "/etc/passwd").status == 404)
        #expect(try RawConnection.get(server.port, "/../../etc/passwd").status == 404)
        #expect(try RawConnection.get(server.port, "/static/../../Package.swift").status == 404)

        func raw(_ request: String) throws -> (status: Int, headers: [String: String], body: String)? {
            let connection = try RawConnection(port: server.port)
            connection.send(request)
            return connection.response()
        }
        let wrongMethod = try #require(try raw("DELETE /api/stats HTTP/1.1\r\nHost: t\r\n\r\n"))
        #expect(wrongMethod.status == 405 && wrongMethod.headers["allow"] == "GET, HEAD")
        #expect(try raw("GARBAGE\r\n\r\n")?.status == 400)
        #expect(try raw("GET / HTTP/2.0\r\n\r\n")?.status == 505)
        #expect(try raw("POST /api/similar HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")?.status == 411)
        #expect(try raw("POST /api/similar HTTP/1.1\r\nContent-Length: \(2 << 20)\r\n\r\n")?.status == 413)
        #expect(try raw("GET /\(String(repeating: "a", count: 9000)) HTTP/1.1\r\n\r\n")?.status == 414)
        let manyHeaders = (0..<100).map { "X-\($0): y\r\n" }.joined()
        #expect(try raw("GET / HTTP/1.1\r\n\(manyHeaders)\r\n")?.status == 431)
        #expect(try raw("GET / HTTP/1.1\r\nX: \(String(repeating: "b", count: 20_000))\r\n\r\n")?.status == 431)
        #expect(try raw("POST /api/similar HTTP/1.1\r\nContent-Length: 7\r\n\r\nnotjson")?.status == 400)
        // The server is still well after all that.
        #expect(try RawConnection.get(server.port, "/api/health").status == 200)
    }

    @Test func keepAliveAndPipelining() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let server = try RunningServer(index: index)
        let connection = try RawConnection(port: server.port)
        for query in ["binary", "quantization", "transformer"] {
            connection.send("GET /api/search?q=\(query)&k=1 HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(connection.response())
            #expect(response.status == 200 && response.headers["connection"] == "keep-alive")
        }
        connection.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\nGET /api/stats HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(connection.response()?.body.contains("\"status\":\"ok\"") == true)
        #expect(connection.response()?.body.contains("\"terms\"") == true)
        #expect(connection.isClosed())
    }

    /// Dozens of slow or idle connections never delay another client; a request that takes too long to
    /// arrive gets 408; many clients at once all get answers.
    @Test func slowAndManyClients() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let server = try RunningServer(index: index, extra: ["--request-timeout", "1.5"])
        var slow: [RawConnection] = []
        for _ in 0..<60 {
            let connection = try RawConnection(port: server.port)
            connection.send("GET /api/search?q=bin")  // and never the rest
            slow.append(connection)
        }
        let started = Date()
        #expect(try RawConnection.get(server.port, "/api/search?q=binary&k=1").status == 200)
        #expect(Date().timeIntervalSince(started) < 1.0, "a request waited behind slow clients")
        #expect(slow[0].response()?.status == 408)

        let answered = Mutex(0)
        let port = server.port
        DispatchQueue.concurrentPerform(iterations: 100) { number in
            if let response = try? RawConnection.get(port, "/api/search?q=network\(number % 7)+learning&k=2"), response.status == 200 {
                answered.withLock { $0 += 1 }
            }
        }
        #expect(answered.withLock { $0 } == 100)
        withExtendedLifetime(slow) {}
    }

    /// A rebuild publishes a new index: the next requests see it without a restart; SIGTERM stops the server.
    @Test func followsRebuildsAndStopsOnSIGTERM() throws {
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let server = try RunningServer(index: index)
        #expect(try RawConnection.json(try RawConnection.get(server.port, "/api/health").body)["papers"] as? Int == 130)
        let rebuilt = try PapersProcess.run(["index", PapersProcess.fixtures + "/scifact/corpus.jsonl.gz", "--replace", "--index", index])
        #expect(rebuilt.status == 0)
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try RawConnection.json(try RawConnection.get(server.port, "/api/health").body)["papers"] as? Int == 501)
        #expect(server.stop() == 0)
        #expect(server.log.contains("Stopped."))
    }

    /// The page in a real browser: headless Chromium loads it, and its self-test (served with --browser-test)
    /// types a query, sees results, clicks a facet, opens a paper and follows "similar papers"; any
    /// JavaScript error fails it. Skipped, and said, where Chromium is not installed.
    @Test func thePageWorksInHeadlessChromium() throws {
        guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            print("SKIPPED: the browser test needs Chromium (apt-get install -y chromium); .ci/run installs it")
            return
        }
        let (directory, index) = try Self.bundledIndex()
        defer { withExtendedLifetime(directory) {} }
        let server = try RunningServer(index: index, extra: ["--browser-test"])
        let profile = directory.path + "/chrome"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=" + profile, "--virtual-time-budget=30000", "--dump-dom",
                             "http://127.0.0.1:\(server.port)/?selftest=1"]
        let outputPath = directory.path + "/dom.html"
        try SystemCalls.writeFile(outputPath, [])
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        let dom = try String(contentsOfFile: outputPath, encoding: .utf8)
        #expect(dom.contains("SELFTEST PASS"), "\(dom.components(separatedBy: "SELFTEST").dropFirst().first?.prefix(300) ?? "no self-test result in the DOM")")
    }
}
