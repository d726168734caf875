import Dispatch
import Glibc
import Synchronization

/// A small HTTP/1.1 server on POSIX sockets: one thread reads requests, a fixed pool of workers answers them.
///
/// - **Reading is readiness-driven.** The loop thread accepts connections and reads from every one that has
///   bytes (`poll`), keeping each connection's bytes until a whole request is there; only a whole request
///   goes to a worker. So slow or idle clients hold a buffer each, never a worker, and never delay another
///   client's request.
/// - **Everything is bounded**: the request line, the headers and the body (`HTTPRequestParser`), the time a
///   request may take to arrive (`requestTimeout`, then 408) and a connection may stay idle
///   (`idleTimeout`), the connections (`maximumConnections`, beyond which a new one gets 503 and is closed)
///   and the requests waiting for a worker (`queueCapacity`, beyond which a request gets 503). A malformed
///   request gets 400 (or 413, 414, 431, 505) and its connection is closed.
/// - **Keep-alive**: after its answer a connection goes back to the loop for its next request (pipelined
///   requests already read are answered in turn).
/// - **Stopping** (SIGINT, SIGTERM): the listener closes, idle connections close, requests in flight are
///   answered (for up to `drainTimeout`), then `run` returns.
final class HTTPServer: @unchecked Sendable {
    // @unchecked Sendable: the loop's state is touched by the loop thread only; what workers share with it
    // (`finished`, `queue`, `stopping`) is behind mutexes or atomics.

    struct Limits {
        var requestTimeout = 10.0
        var idleTimeout = 30.0
        var writeTimeout = 10.0
        var drainTimeout = 10.0
        var maximumConnections = 512
        var queueCapacity = 64
    }

    /// One request handed to a worker.
    private struct Job {
        let descriptor: Int32
        let request: HTTPRequest
    }

    private final class Connection {
        let descriptor: Int32
        var buffer: [UInt8] = []
        var busy = false
        /// When the current request's first byte came, and when anything last happened.
        var requestStarted = 0.0
        var lastActivity: Double
        init(descriptor: Int32, now: Double) {
            self.descriptor = descriptor
            lastActivity = now
        }
    }

    let limits: Limits
    /// The port it listens on (the one chosen by the system when asked for 0).
    private(set) var port = 0
    private let listener: Int32
    private let wakeRead: Int32, wakeWrite: Int32
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private var connections: [Int32: Connection] = [:]
    /// The loop's read buffer, reused for every read.
    private var chunk = [UInt8](repeating: 0, count: 64 << 10)
    /// Connections answered by workers: whether each stays open.
    private let finished = Mutex<[(Int32, Bool)]>([])
    private let queue = Mutex<[Job]>([])
    private let jobsWaiting = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let workers: Int

    /// Listens on `host:port` (0 for any free port); `handler` answers requests on `threads` workers.
    init(host: String, port: Int, threads: Int, limits: Limits = Limits(),
         handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse) throws(ServerError) {
        self.limits = limits
        self.handler = handler
        workers = max(1, threads)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw .badHost(host)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw .system("bind to \(host):\(port)", code)
        }
        guard listen(fd, 128) == 0 else {
            let code = errno
            close(fd)
            throw .system("listen", code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: actual.sin_port))
        listener = fd
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            close(fd)
            throw .system("pipe", errno)
        }
        for end in pipeEnds { HTTPServer.makeNonBlocking(end) }
        wakeRead = pipeEnds[0]
        wakeWrite = pipeEnds[1]
    }

    deinit {
        close(listener)
        close(wakeRead)
        close(wakeWrite)
    }

    /// Asks `run` to stop (safe from any thread; signal handlers write to `wakeDescriptor` instead).
    func stop() {
        stopping.store(true, ordering: .relaxed)
        wake()
    }

    /// Writing a byte here (from a signal handler too) wakes the loop; `run` then checks `stopRequested`.
    var wakeDescriptor: Int32 { wakeWrite }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Serves until stopped; returns once requests in flight are answered.
    func run(stopRequested: @escaping () -> Bool = { false }) {
        for _ in 0..<workers {
            DispatchQueue.global().async { [self] in workLoop() }
        }
        var stopDeadline: Double?
        while true {
            let now = HTTPServer.now()
            if stopDeadline == nil && (stopping.load(ordering: .relaxed) || stopRequested()) {
                stopping.store(true, ordering: .relaxed)
                stopDeadline = now + limits.drainTimeout
                for connection in connections.values where !connection.busy { closeConnection(connection.descriptor) }
            }
            if let deadline = stopDeadline, connections.values.allSatisfy({ !$0.busy }) || now > deadline { break }
            var descriptors: [pollfd] = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            if stopDeadline == nil { descriptors.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
            for connection in connections.values where !connection.busy {
                descriptors.append(pollfd(fd: connection.descriptor, events: Int16(POLLIN), revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), 250)
            if ready < 0 && errno != EINTR { break }
            let after = HTTPServer.now()
            for descriptor in descriptors where descriptor.revents != 0 {
                if descriptor.fd == wakeRead {
                    drainWakePipe()
                } else if descriptor.fd == listener {
                    acceptConnections(now: after)
                } else if let connection = connections[descriptor.fd] {
                    readFrom(connection, now: after)
                }
            }
            takeFinished(now: after)
            expire(now: after)
        }
        for connection in connections.values { closeConnection(connection.descriptor) }
        // Workers blocked on the semaphore are released (they find no job and stop).
        for _ in 0..<workers { jobsWaiting.signal() }
    }

    // MARK: - The loop

    private func drainWakePipe() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &bytes, bytes.count) > 0 {}
    }

    private func acceptConnections(now: Double) {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            HTTPServer.makeNonBlocking(fd)
            var yes: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            if connections.count >= limits.maximumConnections {
                sendBestEffort(fd, HTTPResponse.error(503, "too many connections; try again shortly"))
                close(fd)
                continue
            }
            connections[fd] = Connection(descriptor: fd, now: now)
        }
    }

    private func readFrom(_ connection: Connection, now: Double) {
        let count = read(connection.descriptor, &chunk, chunk.count)
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
            closeConnection(connection.descriptor)
            return
        }
        guard count > 0 else { return }
        if connection.buffer.isEmpty { connection.requestStarted = now }
        connection.buffer.append(contentsOf: chunk[..<count])
        connection.lastActivity = now
        dispatchIfComplete(connection, now: now)
    }

    /// Hands the connection's next whole request to a worker, or answers a bad one and closes.
    private func dispatchIfComplete(_ connection: Connection, now: Double) {
        guard !connection.busy, !connection.buffer.isEmpty else { return }
        switch HTTPRequestParser.parse(connection.buffer) {
        case .incomplete:
            return
        case let .failure(status, message):
            sendBestEffort(connection.descriptor, HTTPResponse.error(status, message))
            closeConnection(connection.descriptor)
        case let .request(request, consumed):
            connection.buffer.removeFirst(consumed)
            connection.requestStarted = now
            let accepted = queue.withLock { jobs -> Bool in
                guard jobs.count < limits.queueCapacity else { return false }
                jobs.append(Job(descriptor: connection.descriptor, request: request))
                return true
            }
            guard accepted else {
                sendBestEffort(connection.descriptor, HTTPResponse.error(503, "the server is busy; try again shortly"))
                closeConnection(connection.descriptor)
                return
            }
            connection.busy = true
            jobsWaiting.signal()
        }
    }

    private func takeFinished(now: Double) {
        let done = finished.withLock { list -> [(Int32, Bool)] in
            defer { list.removeAll() }
            return list
        }
        for (fd, keepOpen) in done {
            guard let connection = connections[fd] else { continue }
            connection.busy = false
            connection.lastActivity = now
            if !keepOpen || stopping.load(ordering: .relaxed) {
                closeConnection(fd)
            } else {
                connection.requestStarted = now
                dispatchIfComplete(connection, now: now)
            }
        }
    }

    private func expire(now: Double) {
        for connection in Array(connections.values) where !connection.busy {
            if !connection.buffer.isEmpty && now - connection.requestStarted > limits.requestTimeout {
                sendBestEffort(connection.descriptor, HTTPResponse.error(408, "the request took too long to arrive"))
                closeConnection(connection.descriptor)
            } else if connection.buffer.isEmpty && now - connection.lastActivity > limits.idleTimeout {
                closeConnection(connection.descriptor)
            }
        }
    }

    private func closeConnection(_ fd: Int32) {
        connections[fd] = nil
        close(fd)
    }

    /// A short answer written without waiting (an error before closing): what the socket takes now is sent.
    private func sendBestEffort(_ fd: Int32, _ response: HTTPResponse) {
        let bytes = response.serialized(keepAlive: false)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    // MARK: - Workers

    private func workLoop() {
        while true {
            jobsWaiting.wait()
            let next = queue.withLock { jobs -> Job? in jobs.isEmpty ? nil : jobs.removeFirst() }
            guard let job = next else {
                if stopping.load(ordering: .relaxed) { return }
                continue
            }
            let response = handler(job.request)
            let keepAlive = job.request.keepAlive && !stopping.load(ordering: .relaxed)
            let written = writeAll(job.descriptor, response.serialized(keepAlive: keepAlive, headOnly: job.request.method == "HEAD"))
            finished.withLock { $0.append((job.descriptor, written && keepAlive)) }
            wake()
        }
    }

    /// Writes everything, waiting for the socket when it is full (up to `writeTimeout` in all).
    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        let deadline = HTTPServer.now() + limits.writeTimeout
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return send(fd, base + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
                continue
            }
            guard sent < 0, errno == EAGAIN || errno == EINTR else { return false }
            let remaining = deadline - HTTPServer.now()
            guard remaining > 0 else { return false }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&descriptor, 1, Int32(min(remaining * 1000, 1000)))
        }
        return true
    }

    /// Non-blocking, and closed on exec.
    static func makeNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }

    static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// Why the server could not start.
enum ServerError: Error, CustomStringConvertible {
    case system(String, Int32)
    case badHost(String)

    var description: String {
        switch self {
        case let .system(operation, code): return "cannot \(operation): \(String(cString: strerror(code)))"
        case let .badHost(host): return "'\(host)' is not an IPv4 address (use 127.0.0.1, or 0.0.0.0 for every interface)"
        }
    }
}
