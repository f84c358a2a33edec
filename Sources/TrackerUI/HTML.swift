import Foundation
import Tracker

/// Building blocks for server-rendered HTML: escaping, tables, numbers, links.
///
/// Every user-controlled string (run names, tags, params, config values, metric keys)
/// passes through `HTML.escape` before it reaches a page.
enum HTML {
    /// Escapes text for HTML character data and quoted attribute values.
    static func escape(_ s: String) -> String { SVG.escape(s) }

    /// Percent-encodes a path segment or query value for a link.
    static func url(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A link to a run's page.
    static func runLink(_ id: String, _ text: String? = nil) -> String {
        "<a href=\"/runs/\(url(id))\">\(escape(text ?? id))</a>"
    }

    /// A status badge (`running` pulses).
    static func status(_ s: RunStatus) -> String {
        "<span class=\"status \(s.rawValue)\">\(s.rawValue)</span>"
    }

    /// What a missing value shows as on a page.
    static let missing = "–"

    /// A local time (`2025-11-29 13:56`), by `Format`'s rule.
    static func localTime(_ t: Double?) -> String { Format.localTime(t, missing: missing) }

    /// A duration (`3m05s`, `2d03h`), by `Format`'s rule.
    static func duration(_ seconds: Double?) -> String { Format.duration(seconds, missing: missing) }

    /// A sortable table: a header row and pre-rendered cells. A cell's sort key is its
    /// `data-v` value when given (numbers), else its text.
    static func table(_ headers: [String], _ rows: [[Cell]], id: String? = nil, classes: String = "sortable") -> String {
        var out = "<table class=\"\(classes)\"\(id.map { " id=\"\(escape($0))\"" } ?? "")>"
        if headers.contains(where: { !$0.isEmpty }) {
            out += "<thead><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>"
        }
        out += "<tbody>\n"
        for row in rows {
            out += "<tr>"
            for c in row { out += c.html }
            out += "</tr>\n"
        }
        out += "</tbody></table>\n"
        return out
    }

    /// One table cell: raw (already escaped) HTML and an optional numeric sort key.
    struct Cell {
        var html: String
        init(raw: String, sortKey: Double? = nil, numeric: Bool = false) {
            let key = sortKey.map { $0.isFinite ? " data-v=\"\($0)\"" : " data-v=\"\"" } ?? ""
            html = "<td\(key)\(numeric || sortKey != nil ? " class=\"num\"" : "")>\(raw)</td>"
        }
        /// Escaped text.
        static func text(_ s: String) -> Cell { Cell(raw: escape(s)) }
        /// A formatted number, sorting by value.
        static func num(_ v: Double?) -> Cell { Cell(raw: Format.number(v, missing: missing), sortKey: v ?? .nan) }
        /// An integer, sorting by value.
        static func int(_ v: Int?) -> Cell { Cell(raw: v.map(String.init) ?? "–", sortKey: v.map(Double.init) ?? .nan) }
    }

    /// A `<section>` with a heading and an anchor.
    static func section(_ title: String, id: String, _ body: String) -> String {
        "<section id=\"\(escape(id))\"><h2>\(escape(title))</h2>\n\(body)</section>\n"
    }

    /// A chart's SVG for inlining: the XML declaration dropped.
    static func inline(svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return svg }
        return String(svg[svg.index(after: end)...])
    }
}
