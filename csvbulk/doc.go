// Package csvbulk reads and writes the bulk-upload template of the CXone
// Privacy page: two columns, Identifier Type (Email, Phone or User) and
// Subject Identifier, one erasure request per row.
//
// [NewReader] streams a filled-in template in constant memory and yields, per
// row, the line where the record starts and either a normalised
// [privacy.Subject] or a [*RowError] naming line, column and reason — never
// the value. Identifiers are parsed by [privacy.Parser]; values a spreadsheet
// mangled (scientific notation, formulas, #NAME?) are rejected, never
// repaired.
//
// # Accepted flavours
//
// Whatever a spreadsheet program writes when it saves the template: UTF-8
// with or without a byte-order mark, UTF-16 and UTF-32 (LE or BE, with a BOM;
// UTF-16 also without one), e.g. Excel's "Unicode text"; CRLF, LF or lone CR
// line ends (the header's line end tells whether lone CRs end lines); comma, semicolon or tab as delimiter, sniffed from the header
// line, or given by a leading "sep=;" line; quoted or unquoted cells.
// Headers match after trimming, collapsing Unicode spaces and case-folding, in
// any order; extra columns are ignored with a [Warning] ([Strict] makes them
// an error). Rows whose cells are all blank are skipped. A missing or
// duplicated column, an empty, binary or HTML file, or broken quoting is one
// [*FileError].
//
// # Formula rule
//
// [Writer] neutralises every cell a spreadsheet would run as a formula — one
// starting with =, +, -, @, tab or carriage return — by prefixing an
// apostrophe ('), which spreadsheets show as text. The exception keeps phone
// numbers usable: + followed only by digits (E.164, "+447700900123") is
// written as is, since a spreadsheet can at worst read it as a number, never
// run it. A value that already starts with an apostrophe followed by one of
// those characters or another apostrophe gets one more apostrophe, so the
// rule is reversible: readers remove exactly one leading apostrophe before
// such a character ([UnescapeFormula]), and reading back what [Writer] wrote
// returns the original values.
package csvbulk
