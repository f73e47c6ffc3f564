/// Small recognizers for the subset of FTS5 and tsquery syntax the compilers produce; they return a
/// description of the first problem, or nil. Stricter than the engines: anything they accept is valid there.
private struct Scanner {
    let characters: [Character]
    var index = 0

    init(_ text: String) { characters = Array(text) }

    var atEnd: Bool { index == characters.count }
    var next: Character? { atEnd ? nil : characters[index] }

    mutating func skipSpaces() {
        while next == " " { index += 1 }
    }

    mutating func consume(_ literal: String) -> Bool {
        let expected = Array(literal)
        guard characters.count - index >= expected.count,
            Array(characters[index..<index + expected.count]) == expected
        else { return false }
        index += expected.count
        return true
    }
}

struct SyntaxError: Error, CustomStringConvertible {
    let description: String
}

/// expr := primary (( AND | OR | NOT ) primary)* ; primary := '(' expr ')' | [ columns ] string [ '*' ] ;
/// columns := '{' name ( ' ' name )* '} : ' ; string := '"' ( any but '"' | '""' )* '"'
enum FTS5Syntax {
    static func error(in text: String) -> String? {
        var scanner = Scanner(text)
        do {
            try expression(&scanner)
            scanner.skipSpaces()
            if !scanner.atEnd { throw SyntaxError(description: "trailing text at \(scanner.index)") }
            return nil
        } catch {
            return "\(error) in \(text)"
        }
    }

    private static func expression(_ scanner: inout Scanner) throws {
        try primary(&scanner)
        while true {
            scanner.skipSpaces()
            guard scanner.consume("AND ") || scanner.consume("OR ") || scanner.consume("NOT ") else { return }
            try primary(&scanner)
        }
    }

    private static func primary(_ scanner: inout Scanner) throws {
        scanner.skipSpaces()
        if scanner.consume("(") {
            try expression(&scanner)
            scanner.skipSpaces()
            guard scanner.consume(")") else { throw SyntaxError(description: "missing ) at \(scanner.index)") }
            return
        }
        if scanner.consume("{") {
            var name = ""
            while let character = scanner.next, character != "}" {
                guard character.isLetter || character == "_" || (character == " " && !name.isEmpty && name.last != " ") else {
                    throw SyntaxError(description: "bad column name at \(scanner.index)")
                }
                name.append(character)
                scanner.index += 1
            }
            guard !name.isEmpty, name.last != " ", scanner.consume("} : ") else { throw SyntaxError(description: "bad column filter at \(scanner.index)") }
        }
        guard scanner.consume("\"") else { throw SyntaxError(description: "expected a string at \(scanner.index)") }
        while true {
            guard let character = scanner.next else { throw SyntaxError(description: "unclosed string") }
            scanner.index += 1
            if character == "\"" {
                if scanner.next == "\"" { scanner.index += 1 } else { break }
            } else if character.unicodeScalars.contains("\0") {
                throw SyntaxError(description: "NUL in a string")
            }
        }
        let mark = scanner.index
        scanner.skipSpaces()
        if !scanner.consume("*") { scanner.index = mark }
    }
}

/// expr := unary (( '&' | '|' | '<->' ) unary)* ; unary := '!' unary | '(' expr ')' | lexeme [ ':*' ] ;
/// lexeme := "'" ( any but ' and \ | "''" | '\' any )+ "'"
enum TSQuerySyntax {
    static func error(in text: String) -> String? {
        var scanner = Scanner(text)
        do {
            try expression(&scanner)
            scanner.skipSpaces()
            if !scanner.atEnd { throw SyntaxError(description: "trailing text at \(scanner.index)") }
            return nil
        } catch {
            return "\(error) in \(text)"
        }
    }

    private static func expression(_ scanner: inout Scanner) throws {
        try unary(&scanner)
        while true {
            scanner.skipSpaces()
            guard scanner.consume("& ") || scanner.consume("| ") || scanner.consume("<-> ") else { return }
            try unary(&scanner)
        }
    }

    private static func unary(_ scanner: inout Scanner) throws {
        scanner.skipSpaces()
        if scanner.consume("!") { return try unary(&scanner) }
        if scanner.consume("(") {
            try expression(&scanner)
            scanner.skipSpaces()
            guard scanner.consume(")") else { throw SyntaxError(description: "missing ) at \(scanner.index)") }
            return
        }
        guard scanner.consume("'") else { throw SyntaxError(description: "expected a lexeme at \(scanner.index)") }
        var length = 0
        while true {
            guard let character = scanner.next else { throw SyntaxError(description: "unclosed lexeme") }
            scanner.index += 1
            if character == "'" {
                if scanner.next == "'" { scanner.index += 1 } else { break }
            } else if character == "\\" {
                guard !scanner.atEnd else { throw SyntaxError(description: "dangling backslash") }
                scanner.index += 1
            } else if character.unicodeScalars.contains("\0") {
                throw SyntaxError(description: "NUL in a lexeme")
            }
            length += 1
        }
        if length == 0 { throw SyntaxError(description: "empty lexeme") }
        _ = scanner.consume(":*")
    }
}
