import Glibc
import PaperSearch

/// `papers serve`: the search page and the JSON API over HTTP.
enum ServeCommand: Command {
    static let name = "serve"
    static let usage = "[--index DIR] [--host 127.0.0.1] [--port 8080] [--threads N]"
    static let abstract = "Serve a search page and a JSON API over HTTP (the index is followed as it is rebuilt)."
    static let discussion = """
        Listens on the loopback address unless --host says otherwise (0.0.0.0: every interface), and prints the
        address to open. The page searches as you type, shows facets to click, sorts by date, opens papers and
        finds similar ones, with the query in the URL. The API answers JSON in the shapes of the commands'
        --json: /api/search?q=&k=&offset=&sort=&facets=, /api/similar?id= (or POST {"ids": [...]} or
        {"text": "..."}), /api/papers/ID, /api/stats, /api/health. When 'papers index' publishes a new index,
        the next requests use it; requests in flight finish on the old one. Ctrl-C (SIGINT) or SIGTERM stops
        it once the requests in flight are answered. --port 0 picks a free port.

        EXAMPLES:
          papers serve                                       # the bundled corpus at http://127.0.0.1:8080/
          papers serve --index ~/arxiv-index --port 9000 --threads 4
          curl 'http://127.0.0.1:8080/api/search?q=binary+neural+networks&k=3'
        """
    static let options: [OptionSpec] = [
        .option("--index", value: "DIR", help: "Where the index lives."),
        .option("--host", value: "ADDRESS", help: "The IPv4 address to listen on (default 127.0.0.1)."),
        .option("--port", value: "N", help: "The port (default 8080; 0 picks a free one)."),
        .option("--threads", value: "N", help: "Worker threads answering requests (default: the cores)."),
        .flag("--browser-test", help: "Serve the page's self-test script (for the browser test).", hidden: true),
        .option("--request-timeout", value: "S", help: "Seconds a request may take to arrive (default 10).", hidden: true),
        .option("--idle-timeout", value: "S", help: "Seconds a kept-alive connection may stay idle (default 30).", hidden: true),
    ]

    /// Written by the signal handlers (async-signal-safe: a flag and a write to the server's wake pipe).
    nonisolated(unsafe) static var stopRequested: sig_atomic_t = 0
    nonisolated(unsafe) static var wakeDescriptor: Int32 = -1

    static func run(_ arguments: ParsedArguments, _ context: CommandContext) throws -> ExitCode {
        let host = arguments.value("--host") ?? "127.0.0.1"
        let port = try arguments.integer("--port", default: 8080, range: 0...65_535)
        let threads = try arguments.integer("--threads", default: ProcessorInfo.activeProcessorCount, range: 1...256)
        let index = try IndexAccess.open(arguments, context)
        let service = SearchService(searcher: try Searcher(index: index), browserTest: arguments.has("--browser-test"))
        var limits = HTTPServer.Limits()
        limits.requestTimeout = try arguments.double("--request-timeout", default: limits.requestTimeout, range: 0.1...3600)
        limits.idleTimeout = try arguments.double("--idle-timeout", default: limits.idleTimeout, range: 0.1...3600)
        let server: HTTPServer
        do { server = try HTTPServer(host: host, port: port, threads: threads, limits: limits) { service.handle($0) } } catch {
            context.errors.line("error: \(error)")
            return .failure
        }
        wakeDescriptor = server.wakeDescriptor
        signal(SIGPIPE, SIG_IGN)
        // A parent may have started us with these signals blocked (the mask is inherited): unblock them.
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        sigaddset(&unblocked, SIGINT)
        sigaddset(&unblocked, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in
                ServeCommand.stopRequested = 1
                var byte: UInt8 = 1
                _ = write(ServeCommand.wakeDescriptor, &byte, 1)
            }
        }
        let shown = host == "0.0.0.0" ? "127.0.0.1" : host
        context.output.line("Serving \(Format.grouped(index.documentCount)) papers from \(index.path) at http://\(shown):\(server.port)/ (Ctrl-C to stop)")
        context.output.flush()
        server.run { ServeCommand.stopRequested != 0 }
        context.errors.line("Stopped.")
        return .success
    }
}
