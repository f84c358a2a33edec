import Foundation

/// The scripts and styles of the interactive views, served at `/static/NAME` from copies
/// compiled into the binary (`scripts/embed-web.sh` makes them from `web/`): nothing is
/// loaded from the network, and the UI works offline.
///
/// One module per view: `core.js` (helpers), `panel.js` (one chart), `explorer.js` (the
/// charts of the run and compare pages, colour by param), `sweep.js` (parallel coordinates
/// and scatter of a sweep), `diagnostics.js` (gradient heat map hover), `layers.js` (the
/// per-layer gradient lines of the run page), and `ui.css`.
enum StaticAsset {
    /// The scripts every page with interactive views loads, in order.
    static let scripts = ["core.js", "panel.js", "explorer.js", "sweep.js", "diagnostics.js", "layers.js"]

    /// The asset answering `/static/NAME`, or a 404 naming what exists.
    static func response(_ name: String) -> UIResponse {
        guard let text = embedded[name] else {
            return .text("no static file '\(name.prefix(80))' (there are: \(embedded.keys.sorted().joined(separator: ", ")))", status: 404)
        }
        let type = name.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8"
        return UIResponse(status: 200, contentType: type, body: Array(text.utf8), headers: [("Cache-Control", "max-age=300")])
    }

    /// The tags that load the styles and scripts (deferred: the page is readable first).
    static var tags: String {
        "<link rel=\"stylesheet\" href=\"/static/ui.css\">\n"
            + scripts.map { "<script defer src=\"/static/\($0)\"></script>" }.joined(separator: "\n")
    }
}
