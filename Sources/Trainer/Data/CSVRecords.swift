/// Splits CSV text into records and fields as RFC 4180 has them.
///
/// Fields are separated by commas and records by LF or CRLF (a lone CR too). A field wrapped
/// in double quotes may hold commas, line breaks and doubled quotes (`""` reads as `"`);
/// spaces around the quotes are ignored. Records that are empty or hold only spaces and tabs
/// are skipped. Each record carries the 1-based line it starts on, for error messages.
/// Hand-written because Foundation has no CSV reader and the few lines here are all the
/// format needs (the listed CSV packages parse into `String` rows the same way).
enum CSVRecords {
    struct Record {
        var line: Int
        var fields: [String]
    }

    enum Failure: Error, Equatable {
        /// A quote opened on `line` is never closed.
        case unterminatedQuote(line: Int)
        /// Text follows a closing quote on `line` before the next comma or line end.
        case textAfterQuote(line: Int)
    }

    static func parse(_ text: String) throws(Failure) -> [Record] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false          // the current field was quoted
        var line = 1, recordLine = 1
        var bytes = Array(text.utf8)[...]

        func endField() {
            var f = field[...]
            if !quoted {  // spaces around an unquoted field are not part of its value
                while let b = f.first, b == space || b == tab { f = f.dropFirst() }
                while let b = f.last, b == space || b == tab { f = f.dropLast() }
            }
            fields.append(String(decoding: f, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quoted = false
        }
        func endRecord(lastQuoted: Bool) {
            endField()
            // A record of one empty unquoted field is a blank line; `""` alone is a real record.
            if !(fields.count == 1 && fields[0].isEmpty && !lastQuoted) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll(keepingCapacity: true)
        }

        while let b = bytes.popFirst() {
            switch b {
            case quote where field.allSatisfy({ $0 == space || $0 == tab }) && !quoted:
                // An opening quote: read to the closing one.
                let opened = line
                field.removeAll(keepingCapacity: true)
                quoted = true
                var closed = false
                while let c = bytes.popFirst() {
                    if c == quote {
                        if bytes.first == quote { bytes = bytes.dropFirst(); field.append(quote); continue }
                        closed = true
                        break
                    }
                    if c == lf || (c == cr && bytes.first != lf) { line += 1 }
                    field.append(c)
                }
                guard closed else { throw .unterminatedQuote(line: opened) }
                while let c = bytes.first, c == space || c == tab { bytes = bytes.dropFirst() }
                if let c = bytes.first, c != comma, c != lf, c != cr { throw .textAfterQuote(line: line) }
            case comma:
                endField()
            case lf, cr:
                if b == cr, bytes.first == lf { bytes = bytes.dropFirst() }
                endRecord(lastQuoted: quoted)
                line += 1
                recordLine = line
            default:
                field.append(b)
            }
        }
        if !field.isEmpty || !fields.isEmpty || quoted { endRecord(lastQuoted: quoted) }
        return records
    }
}
