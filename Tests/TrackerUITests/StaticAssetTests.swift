import Foundation
import Testing
@testable import TrackerUI

/// The scripts and styles compiled into the binary: the same as the files in web/, served
/// with their types, loaded by every page; nothing from the network.
@Suite("Static assets")
struct StaticAssetTests {
    static let web = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("web")

    @Test("the embedded copies equal the files in web/")
    func embeddedEqualsFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.web.path).filter { $0.hasSuffix(".js") || $0.hasSuffix(".css") }.sorted()
        #expect(files == StaticAsset.embedded.keys.sorted())
        for file in files {
            let text = try String(contentsOf: Self.web.appendingPathComponent(file), encoding: .utf8)
            let expected = text.hasSuffix("\n") ? String(text.dropLast()) : text
            #expect(StaticAsset.embedded[file] == expected, "\(file) differs from the embedded copy: run scripts/embed-web.sh")
        }
        #expect(Set(StaticAsset.scripts).isSubset(of: Set(files)))
    }

    @Test("/static/NAME serves scripts and styles with their types; unknown names are a 404 listing what exists")
    func served() throws {
        let app = UIApp(databasePath: "/nonexistent/never-opened.db")
        let js = app.respond(UIRequest(target: "/static/explorer.js"))
        #expect(js.status == 200 && js.contentType.hasPrefix("text/javascript"))
        #expect(js.bodyText.contains("Explorer"))
        let css = app.respond(UIRequest(target: "/static/ui.css"))
        #expect(css.status == 200 && css.contentType.hasPrefix("text/css"))
        let missing = app.respond(UIRequest(target: "/static/nope.js"))
        #expect(missing.status == 404 && missing.bodyText.contains("core.js"))
        for (name, text) in StaticAsset.embedded {
            // The SVG namespace is a name, not a download.
            let rest = text.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
            #expect(!rest.contains("http://") && !rest.contains("https://"), "\(name) loads nothing from the network")
        }
    }

    @Test("every page loads the styles and the view modules")
    func pagesLoadThem() {
        let page = Page(title: "t", body: "<p>x</p>").render()
        #expect(page.contains("<link rel=\"stylesheet\" href=\"/static/ui.css\">"))
        for s in StaticAsset.scripts { #expect(page.contains("<script defer src=\"/static/\(s)\"></script>")) }
    }
}
