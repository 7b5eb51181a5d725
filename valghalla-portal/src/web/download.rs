//! A table from the core's exchange module as a file download: CSV in Danish Excel's dialect
//! or an XLSX workbook (feature `xlsx`). The core builds the table and decides who may have
//! it; this only picks the format and names the file.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use valghalla::core::exchange::{CsvOptions, Table};

use super::{AppError, FormData};

/// Whether XLSX downloads are built in.
pub const XLSX: bool = cfg!(feature = "xlsx");

/// A file format the portal writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// CSV for Danish Excel: UTF-8 with BOM, `;`, CRLF, formulas guarded.
    Csv,
    /// An Excel workbook (needs the `xlsx` feature).
    Xlsx,
}

impl FileFormat {
    /// The format `?format=` asks for (CSV when none).
    pub fn of(q: &FormData) -> Result<FileFormat, AppError> {
        FileFormat::from_extension(q.get("format"))
    }

    /// The format a file name extension names (`""` and `csv`: CSV; `xlsx` when built in).
    pub fn from_extension(ext: &str) -> Result<FileFormat, AppError> {
        match ext {
            "" | "csv" => Ok(FileFormat::Csv),
            "xlsx" if XLSX => Ok(FileFormat::Xlsx),
            _ => Err(AppError::BadRequest),
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    /// The `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// `text` as a file name part: lower-case ASCII letters, digits and dashes (æ, ø, å spelled
/// out), so the `Content-Disposition` header needs no encoding.
pub fn file_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.to_lowercase().chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            'é' | 'è' | 'ë' => out.push('e'),
            'ü' => out.push('u'),
            'ö' => out.push_str("oe"),
            'ä' => out.push_str("ae"),
            _ if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            _ => {}
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// `table` as a download named `name.<ext>`, its sheet called `sheet`.
pub fn download(
    table: &Table,
    format: FileFormat,
    name: &str,
    sheet: &str,
) -> Result<Response, AppError> {
    let bytes = match format {
        FileFormat::Csv => table.to_csv(CsvOptions::excel_da()),
        #[cfg(feature = "xlsx")]
        FileFormat::Xlsx => table.to_xlsx(sheet),
        #[cfg(not(feature = "xlsx"))]
        FileFormat::Xlsx => {
            let _ = sheet;
            return Err(AppError::BadRequest);
        }
    }
    .map_err(|e| AppError::Service(e.into()))?;
    let disposition = format!("attachment; filename=\"{name}.{}\"", format.extension());
    let disposition = HeaderValue::from_str(&disposition).map_err(|_| AppError::BadRequest)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition);
    Ok(res)
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_plain_ascii() {
        use super::file_slug;
        assert_eq!(file_slug("Folketingsvalg 2026"), "folketingsvalg-2026");
        assert_eq!(
            file_slug("  Regionsrådsvalg – Øst/Ærø! "),
            "regionsraadsvalg-oest-aeroe"
        );
        assert_eq!(file_slug("\"; evil=1"), "evil-1");
    }
}
