import Foundation
import Tracker

/// Building blocks for server-rendered HTML: escaping, tables, numbers, links.
///
/// Every user-controlled string (run names, tags, params, config values, metric keys)
/// passes through `HTML.e` before it reaches a page.
enum HTML {
    /// Escapes text for HTML character data and quoted attribute values.
    static func e(_ s: String) -> String { SVG.escape(s) }

    /// Percent-encodes a path segment or query value for a link.
    static func url(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// A link to a run's page.
    static func runLink(_ id: String, _ text: String? = nil) -> String {
        "<a href=\"/runs/\(url(id))\">\(e(text ?? id))</a>"
    }

    /// A status badge (`running` pulses).
    static func status(_ s: RunStatus) -> String {
        "<span class=\"status \(s.rawValue)\">\(s.rawValue)</span>"
    }

    /// `2025-11-29 13:56` in the local time zone (as `tracker runs` prints), without a
    /// DateFormatter: making one per row costs more than the rest of a 10,000-row table.
    static func time(_ t: Double?) -> String {
        guard let t, t.isFinite else { return "–" }
        var seconds = time_t(t.rounded(.down)), parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return "–" }
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : String(v) }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min))"
    }

    /// A coordinate with one decimal (`12.3`), fast: SVG maps print thousands of them.
    static func decimal(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let tenths = Int((v * 10).rounded())
        let whole = tenths / 10, frac = abs(tenths % 10)
        return (tenths < 0 && whole == 0 ? "-0" : String(whole)) + "." + String(frac)
    }

    /// A number for people: up to 5 significant digits, exponent form when tiny or huge.
    static func number(_ v: Double?) -> String {
        guard let v else { return "–" }
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "∞" : "−∞" }
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e6 || a < 1e-4 { return String(format: "%.3e", v) }
        if v == v.rounded(), a < 1e6 { return String(Int64(v)) }
        return String(format: "%.5g", v)
    }

    /// A sortable table: a header row and pre-rendered cells. A cell's sort key is its
    /// `data-v` value when given (numbers), else its text.
    static func table(_ headers: [String], _ rows: [[Cell]], id: String? = nil, classes: String = "sortable") -> String {
        var out = "<table class=\"\(classes)\"\(id.map { " id=\"\(e($0))\"" } ?? "")>"
        if headers.contains(where: { !$0.isEmpty }) {
            out += "<thead><tr>" + headers.map { "<th>\(e($0))</th>" }.joined() + "</tr></thead>"
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
        static func text(_ s: String) -> Cell { Cell(raw: e(s)) }
        /// A formatted number, sorting by value.
        static func num(_ v: Double?) -> Cell { Cell(raw: number(v), sortKey: v ?? .nan) }
        /// An integer, sorting by value.
        static func int(_ v: Int?) -> Cell { Cell(raw: v.map(String.init) ?? "–", sortKey: v.map(Double.init) ?? .nan) }
    }

    /// A `<section>` with a heading and an anchor.
    static func section(_ title: String, id: String, _ body: String) -> String {
        "<section id=\"\(e(id))\"><h2>\(e(title))</h2>\n\(body)</section>\n"
    }

    /// A chart's SVG for inlining: the XML declaration dropped.
    static func inline(svg: String) -> String {
        guard svg.hasPrefix("<?xml"), let end = svg.firstIndex(of: "\n") else { return svg }
        return String(svg[svg.index(after: end)...])
    }
}
