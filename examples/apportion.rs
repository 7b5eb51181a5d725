//! Apportion seats among groups read as CSV on stdin.
//!
//! ```text
//! cargo run --example apportion -- --seats 10 [--method dhondt] [--seed 0] < groups.csv
//! ```
//!
//! The input has the header `group,weight,alliance`. The output is `group,seats` per group in
//! input order, then one `tie:` line per tie settled by lot. Bad input prints one line on
//! stderr, a bad flag clap's usage message; both exit with code 2.

use std::io::Read;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use valghalla::core::apportion::{
    AllianceApportionment, ApportionError, Contender, Group, Method, SeededLot, TieRule,
    apportion_with_alliances,
};

/// Apportions seats among groups read as CSV (`group,weight,alliance`) on stdin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Parser)]
#[command(name = "apportion")]
pub struct Options {
    /// How many seats to apportion.
    #[arg(long)]
    pub seats: u32,
    /// The method: dhondt, sainte-lague, modified-sainte-lague, danish or hare.
    #[arg(long, default_value = "dhondt")]
    pub method: Method,
    /// The seed of the lot that settles ties.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// A group read from the CSV input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedGroup {
    /// The group's name, as written.
    pub name: String,
    /// Its weight.
    pub weight: u64,
    /// Its alliance, `None` when the column is empty.
    pub alliance: Option<String>,
}

/// A problem with one line of the input (1-based, the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    /// The line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Anything that makes the command fail. The exit code is 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// A bad or missing flag (clap's message, with the usage).
    #[error("{0}")]
    Usage(String),
    /// A bad input line.
    #[error(transparent)]
    Input(#[from] LineError),
    /// The apportionment itself failed.
    #[error(transparent)]
    Apportion(#[from] ApportionError),
}

/// Parses the flags (without the program name). `--help` prints the help and exits.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<Options, CliError> {
    Options::try_parse_from(std::iter::once("apportion".to_owned()).chain(args)).map_err(
        |e| match e.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => e.exit(),
            _ => CliError::Usage(e.render().to_string().trim_end().to_owned()),
        },
    )
}

/// Parses CSV with the header `group,weight,alliance`. Fields are separated by commas and
/// trimmed; quoting is not supported. Blank lines are skipped.
pub fn parse_groups_csv(input: &str) -> Result<Vec<NamedGroup>, LineError> {
    let err = |line: usize, message: String| LineError { line, message };
    let mut lines = input
        .strip_prefix('\u{feff}')
        .unwrap_or(input)
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let Some((header_line, header)) = lines.by_ref().find(|(_, l)| !l.trim().is_empty()) else {
        return Err(err(
            1,
            "empty input: expected the header 'group,weight,alliance'".into(),
        ));
    };
    let columns: Vec<String> = header.split(',').map(|c| c.trim().to_lowercase()).collect();
    for (i, want) in ["group", "weight", "alliance"].iter().enumerate() {
        match columns.get(i) {
            Some(c) if c == want => {}
            Some(c) => {
                return Err(err(
                    header_line,
                    format!(
                        "column {} is '{c}', expected '{want}' (header 'group,weight,alliance')",
                        i + 1
                    ),
                ));
            }
            None => {
                return Err(err(
                    header_line,
                    format!("missing column '{want}' (header 'group,weight,alliance')"),
                ));
            }
        }
    }
    if columns.len() > 3 {
        return Err(err(
            header_line,
            format!("unexpected column '{}'", columns[3]),
        ));
    }
    let mut groups: Vec<NamedGroup> = Vec::new();
    let mut last_line = header_line;
    for (n, line) in lines {
        last_line = n;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != 3 {
            return Err(err(
                n,
                format!(
                    "expected 3 columns (group,weight,alliance), found {}",
                    fields.len()
                ),
            ));
        }
        let name = fields[0];
        if name.is_empty() {
            return Err(err(n, "the group name is empty".into()));
        }
        if groups.iter().any(|g| g.name == name) {
            return Err(err(n, format!("group '{name}' appears twice")));
        }
        let weight = fields[1];
        if weight.is_empty() || !weight.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                n,
                format!("weight '{weight}' is not a non-negative whole number"),
            ));
        }
        let weight: u64 = weight
            .parse()
            .map_err(|_| err(n, format!("weight '{weight}' is too large")))?;
        let alliance = (!fields[2].is_empty()).then(|| fields[2].to_string());
        groups.push(NamedGroup {
            name: name.to_string(),
            weight,
            alliance,
        });
    }
    if groups.is_empty() {
        return Err(err(
            last_line + 1,
            "no groups: expected at least one line after the header".into(),
        ));
    }
    Ok(groups)
}

/// Formats the result: `group,seats` per group in input order, then one `tie:` line per tie
/// settled by lot, e.g. `tie: seat 10 between A, B -> A (lot)`.
pub fn format_result(groups: &[NamedGroup], result: &AllianceApportionment) -> String {
    let mut out = String::new();
    for (g, s) in groups.iter().zip(&result.seats) {
        out.push_str(&format!("{},{}\n", g.name, s));
    }
    let name = |c: &Contender| match c {
        Contender::Group(i) => groups
            .get(*i)
            .map_or_else(|| i.to_string(), |g| g.name.clone()),
        Contender::Alliance(a) => a.clone(),
    };
    let list = |cs: &[Contender]| cs.iter().map(name).collect::<Vec<_>>().join(", ");
    for t in &result.ties {
        let seats = if t.seats == 1 {
            format!("seat {}", t.first_seat)
        } else {
            format!("seats {}-{}", t.first_seat, t.first_seat + t.seats - 1)
        };
        let within = t
            .within
            .as_ref()
            .map(|a| format!(" of alliance {a}"))
            .unwrap_or_default();
        let rule = match t.rule {
            TieRule::Lot => "lot",
            TieRule::Decided => "decided",
        };
        out.push_str(&format!(
            "tie: {seats}{within} between {} -> {} ({rule})\n",
            list(&t.candidates),
            list(&t.winners)
        ));
    }
    out
}

/// Parses `input`, apportions with a [`SeededLot`] and formats the result.
pub fn run(input: &str, options: &Options) -> Result<String, CliError> {
    let named = parse_groups_csv(input)?;
    let groups: Vec<Group> = named
        .iter()
        .map(|g| Group {
            weight: g.weight,
            alliance: g.alliance.clone(),
        })
        .collect();
    let mut lot = SeededLot::new(options.seed);
    let result = apportion_with_alliances(&groups, options.seats, options.method, &mut lot)?;
    Ok(format_result(&named, &result))
}

fn main() -> ExitCode {
    let result = parse_args(std::env::args().skip(1)).and_then(|options| {
        let mut input = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut input) {
            return Err(CliError::Usage(format!("cannot read stdin: {e}")));
        }
        run(&input, &options)
    });
    match result {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
