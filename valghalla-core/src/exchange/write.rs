//! Writing a [`Table`] as CSV or XLSX bytes.

use super::{ExchangeError, Table};

/// How to write CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvOptions {
    /// The delimiter (`b';'` for Danish Excel).
    pub delimiter: u8,
    /// Whether to start with a UTF-8 byte-order mark (Excel needs it to read UTF-8).
    pub bom: bool,
    /// Whether lines end in CRLF (Windows) rather than LF.
    pub crlf: bool,
}

impl CsvOptions {
    /// What Danish Excel reads as "CSV UTF-8": `;`, BOM, CRLF.
    pub fn excel_da() -> CsvOptions {
        CsvOptions {
            delimiter: b';',
            bom: true,
            crlf: true,
        }
    }

    /// Plain UTF-8 with commas and LF, for other programs.
    pub fn plain() -> CsvOptions {
        CsvOptions {
            delimiter: b',',
            bom: false,
            crlf: false,
        }
    }
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions::excel_da()
    }
}

impl Table {
    /// The table as CSV bytes (UTF-8), header first.
    pub fn to_csv(&self, options: CsvOptions) -> Result<Vec<u8>, ExchangeError> {
        let mut out = Vec::new();
        if options.bom {
            out.extend_from_slice(b"\xEF\xBB\xBF");
        }
        let mut writer = csv::WriterBuilder::new()
            .delimiter(options.delimiter)
            .flexible(true)
            .terminator(if options.crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .from_writer(out);
        let fail = |e: csv::Error| ExchangeError::Write(e.to_string());
        writer.write_record(&self.headers).map_err(fail)?;
        for row in &self.rows {
            writer.write_record(&row.cells).map_err(fail)?;
        }
        writer
            .into_inner()
            .map_err(|e| ExchangeError::Write(e.to_string()))
    }

    /// The table as an XLSX workbook with one sheet named `sheet` (bold header, every cell
    /// text, so CPR numbers and phone numbers keep their leading zeros).
    #[cfg(feature = "xlsx")]
    pub fn to_xlsx(&self, sheet: &str) -> Result<Vec<u8>, ExchangeError> {
        use rust_xlsxwriter::{Format, Workbook};
        let fail = |e: rust_xlsxwriter::XlsxError| ExchangeError::Write(e.to_string());
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let text = Format::new().set_num_format("@");
        let ws = workbook.add_worksheet();
        // Excel limits sheet names to 31 characters and forbids a few symbols.
        let name: String = sheet
            .chars()
            .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
            .take(31)
            .collect();
        if !name.trim().is_empty() {
            ws.set_name(name).map_err(fail)?;
        }
        let col = |i: usize| {
            u16::try_from(i).map_err(|_| ExchangeError::Write("for mange kolonner".into()))
        };
        for (c, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(0, col(c)?, h, &bold)
                .map_err(fail)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = u32::try_from(r + 1)
                .map_err(|_| ExchangeError::Write("for mange rækker".into()))?;
            for (c, cell) in row.cells.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string_with_format(r, col(c)?, cell, &text)
                        .map_err(fail)?;
                }
            }
        }
        workbook.save_to_buffer().map_err(fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_csv_has_bom_semicolons_and_crlf() {
        let t = Table::new(
            vec!["Navn".into(), "By".into()],
            vec![vec!["Åse; Ørn".into(), "Køge".into()]],
        );
        let bytes = t.to_csv(CsvOptions::excel_da()).unwrap();
        assert_eq!(bytes, "\u{feff}Navn;By\r\n\"Åse; Ørn\";Køge\r\n".as_bytes());
        let back = super::super::read_csv(&bytes).unwrap();
        assert_eq!(back.headers, t.headers);
        assert_eq!(back.rows[0].cells, t.rows[0].cells);
    }
}
