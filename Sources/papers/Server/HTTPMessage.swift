import PaperSearch

/// One HTTP/1.1 request, read whole.
struct HTTPRequest {
    var method: String
    /// The path without the query, percent-decoded.
    var path: String
    /// The query's parameters in order, percent-decoded (`+` is a space).
    var query: [(name: String, value: String)]
    /// Header names lower-cased.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }

    /// The last value of a query parameter.
    func parameter(_ name: String) -> String? { query.last { $0.name == name }?.value }
    func parameters(_ name: String) -> [String] { query.filter { $0.name == name }.map(\.value) }

    /// Whether the client wants the connection kept open after this request (HTTP/1.1's default).
    var keepAlive: Bool { header("connection")?.lowercased() != "close" }
}

/// A response about to be sent.
struct HTTPResponse {
    var status: Int
    var contentType: String
    var body: [UInt8]
    var extraHeaders: [(String, String)] = []

    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        var writer = JSONWriter()
        writer.write(value)
        writer.raw("\n")
        return HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: writer.bytes)
    }

    /// An error as JSON: `{"error": {"status": 400, "message": "...", "position": 8}}`.
    static func error(_ status: Int, _ message: String, position: Int? = nil, allow: String? = nil) -> HTTPResponse {
        var error = JSONObject([("status", .integer(status)), ("message", .string(message))])
        if let position { error["position"] = .integer(position) }
        var response = json(.object(JSONObject([("error", .object(error))])), status: status)
        if let allow { response.extraHeaders.append(("Allow", allow)) }
        return response
    }

    static let reasons: [Int: String] = [
        200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout",
        411: "Length Required", 413: "Content Too Large", 414: "URI Too Long", 431: "Request Header Fields Too Large",
        500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable", 505: "HTTP Version Not Supported",
    ]

    /// The bytes on the wire; a HEAD request gets the headers only.
    func serialized(keepAlive: Bool, headOnly: Bool = false) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(HTTPResponse.reasons[status] ?? "Status")\r\n"
        head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        head += "Connection: \(keepAlive ? "keep-alive" : "close")\r\n"
        head += "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
        for (name, value) in extraHeaders { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + (headOnly ? [] : body)
    }
}

/// Reads requests out of the bytes a connection has received, with limits on every part: an answer for each
/// request, or the error status to close the connection with.
enum HTTPRequestParser {
    static let maximumRequestLine = 8 << 10
    static let maximumHeaderBytes = 16 << 10
    static let maximumHeaders = 64
    static let maximumBody = 1 << 20

    enum Outcome {
        /// More bytes are needed (none of the limits is passed yet).
        case incomplete
        /// A whole request, and how many bytes of the buffer it took.
        case request(HTTPRequest, consumed: Int)
        /// A malformed or oversized request: answer with this and close.
        case failure(status: Int, message: String)
    }

    static func parse(_ buffer: [UInt8]) -> Outcome {
        // The end of the head: an empty line.
        guard let headEnd = find([0x0D, 0x0A, 0x0D, 0x0A], in: buffer) else {
            if let lineEnd = find([0x0D, 0x0A], in: buffer), lineEnd > maximumRequestLine {
                return .failure(status: 414, message: "the request line is longer than \(maximumRequestLine) bytes")
            }
            if find([0x0D, 0x0A], in: buffer) == nil && buffer.count > maximumRequestLine {
                return .failure(status: 414, message: "the request line is longer than \(maximumRequestLine) bytes")
            }
            if buffer.count > maximumRequestLine + maximumHeaderBytes {
                return .failure(status: 431, message: "the request headers are larger than \(maximumHeaderBytes) bytes")
            }
            return .incomplete
        }
        guard let head = String(validating: buffer[..<headEnd], as: UTF8.self) else {
            return .failure(status: 400, message: "the request head is not UTF-8")
        }
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let requestLine = lines.removeFirst()
        guard requestLine.utf8.count <= maximumRequestLine else {
            return .failure(status: 414, message: "the request line is longer than \(maximumRequestLine) bytes")
        }
        guard headEnd - requestLine.utf8.count <= maximumHeaderBytes else {
            return .failure(status: 431, message: "the request headers are larger than \(maximumHeaderBytes) bytes")
        }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }),
              parts[1].hasPrefix("/") else {
            return .failure(status: 400, message: "malformed request line")
        }
        guard parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else {
            return .failure(status: 505, message: "only HTTP/1.1 is spoken here")
        }
        guard lines.count <= maximumHeaders else {
            return .failure(status: 431, message: "more than \(maximumHeaders) header fields")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(where: { $0 == " " || $0 == "\t" }) else {
                return .failure(status: 400, message: "malformed header line")
            }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            headers.append((line[..<colon].lowercased(), String(value.reversed().drop { $0 == " " || $0 == "\t" }.reversed())))
        }
        if parts[2] == "HTTP/1.0" && !headers.contains(where: { $0.name == "connection" }) {
            headers.append(("connection", "close"))
        }
        if headers.contains(where: { $0.name == "transfer-encoding" }) {
            return .failure(status: 411, message: "send a Content-Length instead of a transfer encoding")
        }
        var length = 0
        let lengths = headers.filter { $0.name == "content-length" }
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0.value == first.value }), let value = Int(first.value), value >= 0 else {
                return .failure(status: 400, message: "bad Content-Length")
            }
            guard value <= maximumBody else {
                return .failure(status: 413, message: "the body is larger than \(maximumBody >> 20) MiB")
            }
            length = value
        }
        let bodyStart = headEnd + 4
        guard buffer.count - bodyStart >= length else { return .incomplete }
        let target = String(parts[1])
        let (rawPath, rawQuery) = target.firstIndex(of: "?").map { (String(target[..<$0]), String(target[target.index(after: $0)...])) }
            ?? (target, "")
        guard let path = percentDecoded(rawPath, plusIsSpace: false) else {
            return .failure(status: 400, message: "bad percent-encoding in the path")
        }
        var query: [(name: String, value: String)] = []
        for pair in rawQuery.split(separator: "&") where !pair.isEmpty {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = percentDecoded(String(pieces[0]), plusIsSpace: true),
                  let value = percentDecoded(pieces.count > 1 ? String(pieces[1]) : "", plusIsSpace: true) else {
                return .failure(status: 400, message: "bad percent-encoding in the query")
            }
            query.append((name, value))
        }
        let request = HTTPRequest(method: String(parts[0]), path: path, query: query, headers: headers,
                                  body: Array(buffer[bodyStart..<(bodyStart + length)]))
        return .request(request, consumed: bodyStart + length)
    }

    /// `%xx` sequences decoded (and `+` as a space in queries); nil when malformed or not UTF-8.
    static func percentDecoded(_ text: String, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            } else if byte == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// The index where `pattern` first starts in `bytes`.
    static func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        var index = 0
        while index + pattern.count <= bytes.count {
            if bytes[index] == pattern[0] && bytes[index..<(index + pattern.count)].elementsEqual(pattern) { return index }
            index += 1
        }
        return nil
    }
}
