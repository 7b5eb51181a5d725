//! Reading CSV and XLSX bytes into a [`Table`].

use super::{ExchangeError, Row, Table};

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-, semicolon- or tab-separated text.
    Csv,
    /// An Excel workbook (Office Open XML).
    Xlsx,
}

impl Format {
    /// Guesses the format from the first bytes: a ZIP archive is XLSX, anything else CSV.
    pub fn detect(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

/// Decodes a text file: a BOM (UTF-8 or UTF-16) decides the encoding; otherwise valid UTF-8 is
/// UTF-8, and anything else is read as Windows-1252 (what Danish Excel writes for "CSV
/// (semikolonsepareret)"). Returns the text and the encoding's name.
pub fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), encoding.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), encoding_rs::UTF_8.name()),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), encoding_rs::WINDOWS_1252.name())
        }
    }
}

/// Guesses the delimiter from the first non-empty line: whichever of `;`, `,` and tab occurs
/// most often outside quotes (`;` wins ties, as Danish Excel uses it).
pub fn sniff_delimiter(text: &str) -> u8 {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let (mut semi, mut comma, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semi += 1,
            ',' if !quoted => comma += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if tab > semi && tab > comma {
        b'\t'
    } else if comma > semi {
        b','
    } else {
        b';'
    }
}

/// Reads a CSV file (any encoding [`decode_text`] knows, any delimiter [`sniff_delimiter`]
/// finds). Blank rows are left out; the first non-blank row is the header. The quote that
/// [`super::guard_formula`] puts before a would-be formula is taken off again.
pub fn read_csv(bytes: &[u8]) -> Result<Table, ExchangeError> {
    let (text, _) = decode_text(bytes);
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut have_header = false;
    // The reader's own line count skips blank lines; count newlines up to each record instead.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1usize);
    for record in reader.records() {
        let record = record.map_err(|e| ExchangeError::Csv {
            line: e
                .position()
                .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0)),
            reason: match e.kind() {
                csv::ErrorKind::Utf8 { .. } => "ugyldige tegn".to_owned(),
                _ => "ugyldig opbygning".to_owned(),
            },
        })?;
        let start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0))
            .min(bytes.len());
        if start >= counted_to {
            line += bytes[counted_to..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            counted_to = start;
        }
        // A record's start may sit on the line breaks before it.
        while counted_to < bytes.len() && matches!(bytes[counted_to], b'\n' | b'\r') {
            if bytes[counted_to] == b'\n' {
                line += 1;
            }
            counted_to += 1;
        }
        let row = Row {
            line,
            cells: record
                .iter()
                .map(|c| clean_cell(super::write::unguard_formula(c)))
                .collect(),
        };
        if row.is_blank() {
            continue;
        }
        if have_header {
            table.rows.push(row);
        } else {
            table.headers = row.cells;
            table.header_line = line;
            have_header = true;
        }
    }
    if have_header {
        Ok(table)
    } else {
        Err(ExchangeError::Empty)
    }
}

fn clean_cell(cell: &str) -> String {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_owned()
}

/// Reads the first worksheet of an XLSX workbook. Row numbers are the sheet's (1-based); blank
/// rows are left out; numbers that are whole are written without decimals (so a CPR number or
/// a phone number stored as a number reads back as its digits).
#[cfg(feature = "xlsx")]
pub fn read_xlsx(bytes: &[u8]) -> Result<Table, ExchangeError> {
    use calamine::{Data, Reader, Xlsx};
    let mut workbook: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| ExchangeError::Xlsx(e.to_string()))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or(ExchangeError::Empty)?
        .map_err(|e| ExchangeError::Xlsx(e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let mut table = Table::default();
    let mut have_header = false;
    for (i, cells) in range.rows().enumerate() {
        let mut out: Vec<String> = vec![String::new(); first_col];
        out.extend(cells.iter().map(|c| match c {
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            other => clean_cell(&other.to_string()),
        }));
        let row = Row {
            line: first_row + i + 1,
            cells: out,
        };
        if row.is_blank() {
            continue;
        }
        if have_header {
            table.rows.push(row);
        } else {
            table.header_line = row.line;
            table.headers = row.cells;
            have_header = true;
        }
    }
    if have_header {
        Ok(table)
    } else {
        Err(ExchangeError::Empty)
    }
}

/// Reads a CSV or XLSX file, detecting the format from its bytes ([`Format::detect`]).
pub fn read_table(bytes: &[u8]) -> Result<Table, ExchangeError> {
    match Format::detect(bytes) {
        Format::Csv => read_csv(bytes),
        #[cfg(feature = "xlsx")]
        Format::Xlsx => read_xlsx(bytes),
        #[cfg(not(feature = "xlsx"))]
        Format::Xlsx => Err(ExchangeError::XlsxNotSupported),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolons_commas_and_tabs() {
        assert_eq!(sniff_delimiter("a;b;c\n1,2;3"), b';');
        assert_eq!(sniff_delimiter("\n\na,b,c\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("\"a;b\",c"), b',');
        assert_eq!(sniff_delimiter(""), b';');
    }

    #[test]
    fn decodes_bom_utf8_and_windows_1252() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFK\xC3\xB8ge").0, "Køge");
        assert_eq!(decode_text("Køge".as_bytes()).0, "Køge");
        let (text, enc) = decode_text(b"K\xF8ge \xC6r\xF8 \xC5");
        assert_eq!(text, "Køge Ærø Å");
        assert_eq!(enc, "windows-1252");
    }

    #[test]
    fn blank_rows_are_skipped_and_lines_kept() {
        let t = read_csv(b"\nCPR;Team\n\n0101801234;A\n;;\n0202801234;B\n").unwrap();
        assert_eq!(t.header_line, 2);
        assert_eq!(t.headers, ["CPR", "Team"]);
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [4, 6]);
    }
}
