//! Import and export of participants, work locations and lists (issue 9).
//!
//! This module is **pure**: functions take bytes (`&[u8]`) or rows and return rows or bytes. No
//! file or network I/O happens here; the service methods in [`crate::service`] (`import_*`,
//! `export_*`) load and write through the store, and hosts read and write the files.
//!
//! # Formats
//!
//! * **CSV** ([`read_csv`], [`Table::to_csv`]): the delimiter (`;`, `,` or tab) is sniffed from
//!   the header line; UTF-8 with or without BOM, UTF-16 with BOM, and — when the bytes are not
//!   valid UTF-8 — Windows-1252 as Danish Excel writes it. Exports are UTF-8 with BOM, `;` and
//!   CRLF by default ([`CsvOptions::excel_da`]), which Danish Excel opens correctly. Every cell
//!   that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) is written
//!   with a leading `'` ([`guard_formula`]); reading takes it off again.
//! * **XLSX** (feature `xlsx`, on by default in the `valghalla` facade): read with `calamine`,
//!   written with `rust_xlsxwriter`, both from and to memory. The adapters live in core behind
//!   the feature rather than in the facade so the same [`Table`] type and tests cover both
//!   formats; they do no I/O beyond bytes in and bytes out.
//!
//! # Import
//!
//! [`read_table`] turns a file's bytes into a [`Table`] (header + rows with their line
//! numbers). [`validate_participants`] and [`validate_work_locations`] check every row against
//! the master data and return the good rows plus a [`RowError`] (line, column, Danish reason)
//! for every bad one. The service then writes all good rows in **one** atomic change set, or
//! nothing when the caller asked for [`ImportMode::AllOrNothing`] and any row was bad.
//!
//! Header names are matched case-insensitively, ignoring spaces, hyphens and punctuation, in
//! Danish and English (see [`columns`]). Unknown columns are ignored.
//!
//! **Updating existing participants** (matched by CPR number): a non-empty cell replaces the
//! mobile number, e-mail, special diets or preferred station; an empty cell (or a missing
//! column) keeps what is stored. Teams in the file are **added** to the participant's teams,
//! never removed (removing a member from a team goes through the team's own workflow, which
//! protects accepted seats). A participant whose data would not change counts as unchanged, so
//! importing the same file twice changes nothing. Work locations are matched by title
//! (case-insensitively) and updated when the address, area or afstemningsområde differs.
//!
//! # Export
//!
//! [`ListColumn`] chooses the participant list's columns; [`payroll`] builds the payroll list
//! per person from what happened on the day ([`PayrollAttendance`]: no-shows unpaid, left-early
//! marked, reserves who stepped in paid); [`valg_central_table`] builds the file for KMD Valg Central with the national
//! roles of [`RoleMapping`]; [`party_status`] builds each party's status report. The service
//! audit-logs every export (and every CPR number it shows) before returning the table.

pub mod columns;
mod export;
mod import;
mod payroll;
mod read;
mod write;

pub use export::{
    ListColumn, NationalRole, ParticipantRow, PartyStatus, RoleMapping, ValgCentralRow, list_table,
    participants_table, party_status, party_status_table, valg_central_rows, valg_central_table,
};
pub use import::{
    ImportCatalog, ImportMode, ImportProgress, ImportReport, ParticipantInput, RowError,
    WorkLocationInput, validate_participants, validate_work_locations,
};
pub use payroll::{PayrollAttendance, PayrollPerson, PayrollTask, payroll, payroll_table};
#[cfg(feature = "xlsx")]
pub use read::read_xlsx;
pub use read::{Format, decode_text, read_csv, read_table, sniff_delimiter};
pub use write::{CsvOptions, FORMULA_TRIGGERS, guard_formula, unguard_formula};

use crate::values::DanishMessage;

/// A table read from a file or built for an export: a header row and data rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The header cells, as written.
    pub headers: Vec<String>,
    /// The data rows (empty rows are already left out when reading).
    pub rows: Vec<Row>,
    /// The line number of the header (1 unless blank lines precede it).
    pub header_line: usize,
}

/// One data row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Row {
    /// The line number in the file (1-based; for XLSX the sheet row number), for error
    /// reports. For a table built for an export, the row's position counting the header as 1.
    pub line: usize,
    /// The cells, trimmed. A row may have fewer cells than the header (missing cells are empty).
    pub cells: Vec<String>,
}

impl Row {
    /// The cell in column `index`, or `""` when the row is shorter.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", String::as_str)
    }

    /// Whether every cell is empty (such rows are skipped, not errors).
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

impl Table {
    /// A table with `headers` and data rows `rows`, numbering the rows from line 2.
    pub fn new(headers: Vec<String>, rows: Vec<Vec<String>>) -> Table {
        Table {
            headers,
            rows: rows
                .into_iter()
                .enumerate()
                .map(|(i, cells)| Row { line: i + 2, cells })
                .collect(),
            header_line: 1,
        }
    }
}

/// Why a whole file cannot be read or used (row-level problems are [`RowError`]s instead).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// The file holds no header row.
    #[error("the file is empty; it needs a header row and at least one data row")]
    Empty,
    /// The CSV structure is broken (e.g. an unterminated quote).
    #[error("line {line}: the CSV file cannot be read: {reason}")]
    Csv {
        /// The line where reading stopped.
        line: usize,
        /// What the CSV reader said.
        reason: String,
    },
    /// The XLSX file cannot be read.
    #[error("the Excel file cannot be read: {0}")]
    Xlsx(String),
    /// The file is XLSX but the crate was built without the `xlsx` feature.
    #[error("the file is an Excel (XLSX) file, but XLSX support is not built in (feature `xlsx`)")]
    XlsxNotSupported,
    /// A required column is missing from the header.
    #[error("the column '{column}' is missing; the header must name it (e.g. '{example}')")]
    MissingColumn {
        /// The column's Danish name.
        column: &'static str,
        /// An accepted header text.
        example: &'static str,
    },
    /// Two header cells name the same column.
    #[error("the column '{column}' appears twice in the header")]
    DuplicateColumn {
        /// The column's Danish name.
        column: &'static str,
    },
    /// Writing the file failed.
    #[error("the file could not be written: {0}")]
    Write(String),
}

impl DanishMessage for ExchangeError {
    fn message_da(&self) -> String {
        match self {
            ExchangeError::Empty => {
                "Filen er tom; den skal have en overskriftslinje og mindst én række data.".into()
            }
            ExchangeError::Csv { line, reason } => {
                format!("Linje {line}: CSV-filen kan ikke læses ({reason}).")
            }
            ExchangeError::Xlsx(reason) => format!("Excel-filen kan ikke læses ({reason})."),
            ExchangeError::XlsxNotSupported => {
                "Filen er en Excel-fil (XLSX), men understøttelse af XLSX er ikke slået til; gem den som CSV.".into()
            }
            ExchangeError::MissingColumn { column, example } => format!(
                "Kolonnen '{column}' mangler; overskriftslinjen skal indeholde den (fx '{example}')."
            ),
            ExchangeError::DuplicateColumn { column } => {
                format!("Kolonnen '{column}' står to gange i overskriftslinjen.")
            }
            ExchangeError::Write(reason) => format!("Filen kunne ikke skrives ({reason})."),
        }
    }
}
