//! Writing a [`Table`] as CSV or XLSX bytes.
//!
//! CSV cells are guarded against formula injection (see [`guard_formula`]); XLSX cells are
//! written as string cells, which spreadsheet programs never evaluate, so they need no guard.

use std::borrow::Cow;

use super::{ExchangeError, Table};

/// The first characters that make a spreadsheet program read a CSV cell as a formula (or, for
/// tab and carriage return, that some programs strip before looking for one).
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether `cell` needs [`guard_formula`]'s quote: it starts with one of [`FORMULA_TRIGGERS`]
/// after any quotes of its own (those are guarded too, so that unguarding is exact).
fn at_risk(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_TRIGGERS)
}

/// `cell` as it is safe to write in a CSV file: a cell starting with one of
/// [`FORMULA_TRIGGERS`] gets a leading `'`, so a name like `=HYPERLINK(…)` typed into a form
/// opens as text instead of running in the secretariat's spreadsheet. A cell that already
/// starts with quotes before such a character gets one more, so [`unguard_formula`] (which
/// [`super::read_csv`] applies) gives every cell back exactly and an export imports unchanged.
pub fn guard_formula(cell: &str) -> Cow<'_, str> {
    if at_risk(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Undoes [`guard_formula`]: `unguard_formula(&guard_formula(c)) == c` for every `c`.
pub fn unguard_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if at_risk(rest) => rest,
        _ => cell,
    }
}

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
    /// The table as CSV bytes (UTF-8), header first, every cell through [`guard_formula`].
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
        fn guarded(cells: &[String]) -> Vec<Cow<'_, str>> {
            cells.iter().map(|c| guard_formula(c)).collect()
        }
        writer
            .write_record(guarded(&self.headers).iter().map(|c| c.as_bytes()))
            .map_err(fail)?;
        for row in &self.rows {
            writer
                .write_record(guarded(&row.cells).iter().map(|c| c.as_bytes()))
                .map_err(fail)?;
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

    fn fields(bytes: &[u8], delimiter: u8) -> Vec<Vec<String>> {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn cells_that_a_spreadsheet_would_run_get_a_quote() {
        let t = Table::new(
            vec!["=Navn".into(), "Mobil".into()],
            vec![
                vec![
                    "=HYPERLINK(\"http://x\";\"klik\")".into(),
                    "+4512345678".into(),
                ],
                vec!["-1+1".into(), "@SUM(A1)".into()],
                vec!["\tTab".into(), "\rCR".into()],
                vec!["Åse = Ørn".into(), "'=allerede".into()],
                vec!["'citat".into(), "1-2".into()],
            ],
        );
        let bytes = t.to_csv(CsvOptions::plain()).unwrap();
        assert_eq!(
            fields(&bytes, b','),
            vec![
                vec!["'=Navn", "Mobil"],
                vec!["'=HYPERLINK(\"http://x\";\"klik\")", "'+4512345678"],
                vec!["'-1+1", "'@SUM(A1)"],
                vec!["'\tTab", "'\rCR"],
                vec!["Åse = Ørn", "''=allerede"],
                vec!["'citat", "1-2"],
            ]
        );
        // The reader takes the guard off again (tab and CR are then trimmed, as always).
        let back = super::super::read_csv(&bytes).unwrap();
        assert_eq!(back.headers, ["=Navn", "Mobil"]);
        let cells: Vec<Vec<String>> = back.rows.into_iter().map(|r| r.cells).collect();
        assert_eq!(
            cells,
            vec![
                vec!["=HYPERLINK(\"http://x\";\"klik\")", "+4512345678"],
                vec!["-1+1", "@SUM(A1)"],
                vec!["Tab", "CR"],
                vec!["Åse = Ørn", "'=allerede"],
                vec!["'citat", "1-2"],
            ]
        );
    }

    proptest::proptest! {
        /// Guarding is undone exactly, and its output never starts a formula.
        #[test]
        fn unguard_undoes_guard(cell in "['=+@\t\r-]{0,3}.{0,6}") {
            let guarded = guard_formula(&cell);
            proptest::prop_assert!(!guarded.starts_with(FORMULA_TRIGGERS));
            proptest::prop_assert_eq!(unguard_formula(&guarded), cell.as_str());
        }

        /// No cell of a written CSV file starts a formula, whatever the table holds, and
        /// reading the file gives the table back (cells as the reader keeps them: trimmed;
        /// blank rows left out).
        #[test]
        fn no_csv_cell_starts_a_formula_and_the_table_comes_back(
            rows in proptest::collection::vec(
                proptest::collection::vec("['=+@\t\r -]{0,3}[a-zA-ZæøåÆØÅ0-9 ;,\"=+@'-]{0,8}", 2),
                1..6,
            ),
            plain in proptest::bool::ANY,
        ) {
            let t = Table::new(vec!["A".into(), "B".into()], rows);
            let options = if plain { CsvOptions::plain() } else { CsvOptions::excel_da() };
            let bytes = t.to_csv(options).unwrap();
            for cell in fields(&bytes, options.delimiter).iter().flatten() {
                proptest::prop_assert!(
                    !cell.starts_with(FORMULA_TRIGGERS),
                    "cell {:?} would run as a formula", cell
                );
            }
            let back = super::super::read_csv(&bytes).unwrap();
            let want: Vec<Vec<String>> = t
                .rows
                .iter()
                .map(|r| r.cells.iter().map(|c| c.trim().to_owned()).collect::<Vec<String>>())
                .filter(|cells| cells.iter().any(|c| !c.is_empty()))
                .collect();
            let got: Vec<Vec<String>> = back.rows.into_iter().map(|r| r.cells).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }
}
