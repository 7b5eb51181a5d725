//! The `valghalla-tenant` file: writing and reading its lines (pure: bytes in, data out).

use std::io::{BufRead, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::data::TenantData;
use crate::model::{AuditEntry, Record};
use crate::store::OutboxMessage;

/// The format's name, in the header.
pub const FORMAT: &str = "valghalla-tenant";

/// The version this build writes, and the newest it reads.
pub const VERSION: u32 = 1;

/// The first line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format's version.
    pub version: u32,
    /// When the data was read.
    pub exported_at: DateTime<Utc>,
    /// Where it was read from (`sqlite`, `postgres:TENANT`, …), for the reader's information.
    pub source: String,
    /// How many lines of each kind follow.
    pub counts: Summary,
}

/// How many lines of each kind a file holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Records.
    pub records: u64,
    /// Audit entries.
    pub audit: u64,
    /// Outbox messages.
    pub messages: u64,
}

/// A line after the header.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Line {
    Record(Record),
    Audit(AuditEntry),
    Message(OutboxMessage),
    End(End),
}

/// The last line.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct End {
    lines: u64,
    sha256: String,
}

/// What is wrong with a file, and on which line (1-based; 0: the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct FormatError {
    /// The line.
    pub line: u64,
    /// What is wrong.
    pub problem: Problem,
}

/// What can be wrong with a file. No variant carries a value read from it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The file is empty or its first line is not a `valghalla-tenant` header.
    #[error("not a valghalla tenant export (the first line is not its header)")]
    NotAnExport,
    /// The file is of a newer version.
    #[error(
        "format version {0} is newer than this valghalla reads (up to {VERSION}); upgrade valghalla"
    )]
    NewerVersion(u32),
    /// A line is not what the format allows there.
    #[error("the line is not a valid {expected} ({category} error at column {column})")]
    Malformed {
        /// What was expected.
        expected: &'static str,
        /// serde_json's category of the error (syntax, data, eof, io).
        category: &'static str,
        /// Where in the line.
        column: usize,
    },
    /// A line that is not UTF-8 or could not be read.
    #[error("the line could not be read as UTF-8 text")]
    Unreadable,
    /// The end line is missing: the file was cut short.
    #[error("the file ends without its end line: it was cut short; export it again")]
    Truncated,
    /// Lines follow the end line.
    #[error("lines follow the end line")]
    AfterEnd,
    /// The counts in the header or the end do not match the lines.
    #[error("the file holds {found} lines of {what}, but its header or end says {expected}")]
    Count {
        /// Which lines.
        what: &'static str,
        /// How many there are.
        found: u64,
        /// How many were announced.
        expected: u64,
    },
    /// The checksum does not match: the file was changed or damaged.
    #[error("the SHA-256 checksum does not match: the file was changed or damaged after export")]
    Checksum,
}

fn malformed(line: u64, expected: &'static str, e: &serde_json::Error) -> FormatError {
    let category = match e.classify() {
        serde_json::error::Category::Io => "io",
        serde_json::error::Category::Syntax => "syntax",
        serde_json::error::Category::Data => "data",
        serde_json::error::Category::Eof => "eof",
    };
    FormatError {
        line,
        problem: Problem::Malformed {
            expected,
            category,
            column: e.column(),
        },
    }
}

/// Writes one line and feeds it to the checksum.
fn put<T: Serialize>(
    out: &mut impl Write,
    hash: &mut Sha256,
    lines: &mut u64,
    value: &T,
) -> std::io::Result<()> {
    let mut bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    hash.update(&bytes);
    *lines += 1;
    out.write_all(&bytes)
}

/// Writes `data` as a `valghalla-tenant` file to `out`; returns the counts in its header.
///
/// # Errors
///
/// The writer's error.
pub fn encode(
    data: &TenantData,
    source: &str,
    exported_at: DateTime<Utc>,
    out: &mut impl Write,
) -> std::io::Result<Summary> {
    let counts = Summary {
        records: data.records.len() as u64,
        audit: data.audit.len() as u64,
        messages: data.messages.len() as u64,
    };
    let header = Header {
        format: FORMAT.into(),
        version: VERSION,
        exported_at,
        source: source.into(),
        counts,
    };
    let mut hash = Sha256::new();
    let mut lines = 0;
    put(out, &mut hash, &mut lines, &header)?;
    for r in &data.records {
        put(out, &mut hash, &mut lines, &LineRef::Record(r))?;
    }
    for a in &data.audit {
        put(out, &mut hash, &mut lines, &LineRef::Audit(a))?;
    }
    for m in &data.messages {
        put(out, &mut hash, &mut lines, &LineRef::Message(m))?;
    }
    let end = End {
        lines,
        sha256: hex(&hash.finalize()),
    };
    let mut bytes = serde_json::to_vec(&LineRef::End(&end)).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    out.write_all(&bytes)?;
    out.flush()?;
    Ok(counts)
}

/// A line to write, borrowing its value.
#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum LineRef<'a> {
    Record(&'a Record),
    Audit(&'a AuditEntry),
    Message(&'a OutboxMessage),
    End(&'a End),
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Reads a `valghalla-tenant` file, checking its header, every line, its counts and checksum.
/// The data comes back in the canonical order.
///
/// # Errors
///
/// [`FormatError`]: the line and what is wrong with it.
pub fn decode(input: impl BufRead) -> Result<(Header, TenantData), FormatError> {
    let mut hash = Sha256::new();
    let mut data = TenantData::default();
    let mut header: Option<Header> = None;
    let mut end: Option<(u64, End)> = None;
    let mut n: u64 = 0;
    for raw in input.split(b'\n') {
        n += 1;
        let raw = raw.map_err(|_| FormatError {
            line: n,
            problem: Problem::Unreadable,
        })?;
        if end.is_some() {
            if raw.is_empty() {
                continue;
            }
            return Err(FormatError {
                line: n,
                problem: Problem::AfterEnd,
            });
        }
        let text = std::str::from_utf8(&raw).map_err(|_| FormatError {
            line: n,
            problem: Problem::Unreadable,
        })?;
        if header.is_none() {
            let h: Header = serde_json::from_str(text).map_err(|_| FormatError {
                line: n,
                problem: Problem::NotAnExport,
            })?;
            if h.format != FORMAT {
                return Err(FormatError {
                    line: n,
                    problem: Problem::NotAnExport,
                });
            }
            if h.version > VERSION {
                return Err(FormatError {
                    line: n,
                    problem: Problem::NewerVersion(h.version),
                });
            }
            hash.update(&raw);
            hash.update(b"\n");
            header = Some(h);
            continue;
        }
        match serde_json::from_str::<Line>(text).map_err(|e| malformed(n, "line", &e))? {
            Line::Record(r) => data.records.push(r),
            Line::Audit(a) => data.audit.push(a),
            Line::Message(m) => data.messages.push(m),
            Line::End(e) => {
                end = Some((n, e));
                continue;
            }
        }
        hash.update(&raw);
        hash.update(b"\n");
    }
    let Some(header) = header else {
        return Err(FormatError {
            line: 1,
            problem: Problem::NotAnExport,
        });
    };
    let Some((end_line, end)) = end else {
        return Err(FormatError {
            line: n,
            problem: Problem::Truncated,
        });
    };
    let count = |what, found: usize, expected| {
        let found = found as u64;
        if found == expected {
            Ok(())
        } else {
            Err(FormatError {
                line: 1,
                problem: Problem::Count {
                    what,
                    found,
                    expected,
                },
            })
        }
    };
    count("records", data.records.len(), header.counts.records)?;
    count("audit entries", data.audit.len(), header.counts.audit)?;
    count("messages", data.messages.len(), header.counts.messages)?;
    if end.lines != end_line - 1 {
        return Err(FormatError {
            line: end_line,
            problem: Problem::Count {
                what: "lines before the end",
                found: end_line - 1,
                expected: end.lines,
            },
        });
    }
    if hex(&hash.finalize()) != end.sha256 {
        return Err(FormatError {
            line: end_line,
            problem: Problem::Checksum,
        });
    }
    data.normalise();
    Ok((header, data))
}
