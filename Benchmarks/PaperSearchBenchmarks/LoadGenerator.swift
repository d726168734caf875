import Dispatch
import Foundation
import Glibc
import Synchronization

/// Replays a query log against `papers serve` over keep-alive connections, one thread a connection, each
/// sending its next query as soon as the previous answer is in (a closed loop): throughput, latency
/// percentiles and failures (a status other than 200, or a broken connection).
enum LoadGenerator {
    struct Result {
        var connections: Int
        var requests: Int
        var failures: Int
        var seconds: Double
        var latencies: [Double]  // microseconds, sorted
    }

    static func run(port: Int, paths: [String], connections: Int, seconds: Double) -> Result {
        let lock = Mutex((requests: 0, failures: 0, latencies: [Double]()))
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: connections) { number in
            var local: [Double] = []
            var failures = 0
            var socketDescriptor: Int32 = -1
            var next = number * 7919 % max(1, paths.count)
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while Date().timeIntervalSince(started) < seconds {
                if socketDescriptor < 0 { socketDescriptor = open(port: port) }
                guard socketDescriptor >= 0 else { failures += 1; continue }
                let request = "GET \(paths[next]) HTTP/1.1\r\nHost: bench\r\n\r\n"
                next = (next + 1) % paths.count
                let begin = DispatchTime.now().uptimeNanoseconds
                let sent = Array(request.utf8).withUnsafeBytes { send(socketDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if sent <= 0 || !readResponse(socketDescriptor, &buffer) {
                    failures += 1
                    close(socketDescriptor)
                    socketDescriptor = -1
                    continue
                }
                local.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1000)
            }
            if socketDescriptor >= 0 { close(socketDescriptor) }
            lock.withLock { state in
                state.requests += local.count
                state.failures += failures
                state.latencies += local
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        return lock.withLock { state in
            Result(connections: connections, requests: state.requests, failures: state.failures, seconds: elapsed,
                   latencies: state.latencies.sorted())
        }
    }

    private static func open(port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var yes: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
        if connected != 0 {
            close(fd)
            return -1
        }
        return fd
    }

    /// Reads one response (head and Content-Length body); false unless it is a whole 200.
    private static func readResponse(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var received: [UInt8] = []
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { return false }
            received += buffer[..<count]
            guard let end = headEnd(received) else { continue }
            let head = String(decoding: received[..<end], as: UTF8.self)
            let length = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            while received.count < end + 4 + length {
                let more = recv(fd, &buffer, buffer.count, 0)
                guard more > 0 else { return false }
                received += buffer[..<more]
            }
            return head.hasPrefix("HTTP/1.1 200")
        }
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4) where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }
}
