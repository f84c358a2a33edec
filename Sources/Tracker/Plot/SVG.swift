import Foundation

/// Small helpers for writing SVG text safely.
public enum SVG {
    /// Escapes text for XML character data and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Control characters other than tab and newline are not allowed in XML 1.0.
            case _ where u.value < 0x20 && u != "\t" && u != "\n": out += " "
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// Ten distinguishable colours (Tableau 10).
    static let palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"]
}
