import Foundation
import Tracker

/// What the UI answers: a status, a content type, the bytes and extra headers.
public struct UIResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public var headers: [(String, String)]

    public init(status: Int = 200, contentType: String, body: [UInt8], headers: [(String, String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// An HTML page.
    public static func html(_ text: String, status: Int = 200) -> UIResponse {
        UIResponse(status: status, contentType: "text/html; charset=utf-8", body: Array(text.utf8))
    }

    /// A JSON document (compact, keys sorted).
    public static func json(_ value: JSONValue, status: Int = 200) -> UIResponse {
        UIResponse(status: status, contentType: "application/json; charset=utf-8", body: value.canonicalUTF8)
    }

    /// A plain-text message (errors: 404 for unknown ids, 400 for bad input).
    public static func text(_ message: String, status: Int) -> UIResponse {
        UIResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array((message + "\n").utf8))
    }

    /// The body as text (for tests and logs).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
