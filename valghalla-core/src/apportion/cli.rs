//! The pure parts of the `apportion` command-line example: argument parsing, CSV parsing and
//! output formatting. The example binary only reads stdin and prints.
//!
//! ```
//! use valghalla_core::apportion::cli::{parse_args, run};
//!
//! let options = parse_args(["--seats", "10"].map(String::from)).unwrap();
//! let out = run("group,weight,alliance\nA,6,\nB,6,\nC,2,\n", &options).unwrap();
//! assert!(out.starts_with("A,"));
//! assert!(out.contains("tie: seat 10 between A, B -> "));
//! ```

use super::{
    AllianceApportionment, ApportionError, Contender, Group, Method, SeededLot, TieRule,
    apportion_with_alliances,
};

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

/// The command-line options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CliOptions {
    /// `--seats N` (required).
    pub seats: u32,
    /// `--method NAME` (default d'Hondt).
    pub method: Method,
    /// `--seed S` for lots (default 0).
    pub seed: u64,
}

/// Anything that makes the command fail; each prints as one line. The exit code is 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CliError {
    /// A bad or missing flag.
    #[error("{0}")]
    Usage(String),
    /// A bad input line.
    #[error(transparent)]
    Input(#[from] LineError),
    /// The apportionment itself failed.
    #[error(transparent)]
    Apportion(#[from] ApportionError),
}

/// The usage line.
pub const USAGE: &str = "usage: apportion --seats N [--method dhondt|sainte-lague|modified-sainte-lague|danish|hare] [--seed S] < groups.csv";

/// Parses the flags (without the program name).
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<CliOptions, CliError> {
    let usage = |msg: String| CliError::Usage(format!("{msg}; {USAGE}"));
    let mut seats = None;
    let mut method = Method::DHondt;
    let mut seed = 0u64;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (flag.clone(), None),
        };
        if !matches!(name.as_str(), "--seats" | "--method" | "--seed") {
            return Err(usage(format!("unknown argument '{flag}'")));
        }
        let Some(value) = inline.or_else(|| args.next()) else {
            return Err(usage(format!("{name} needs a value")));
        };
        match name.as_str() {
            "--seats" => {
                seats = Some(value.parse::<u32>().map_err(|_| {
                    usage(format!(
                        "--seats '{value}' is not a non-negative whole number"
                    ))
                })?)
            }
            "--method" => method = value.parse().map_err(|e| usage(format!("{e}")))?,
            _ => {
                seed = value.parse().map_err(|_| {
                    usage(format!(
                        "--seed '{value}' is not a non-negative whole number"
                    ))
                })?
            }
        }
    }
    let seats = seats.ok_or_else(|| usage("--seats is required".into()))?;
    Ok(CliOptions {
        seats,
        method,
        seed,
    })
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
pub fn run(input: &str, options: &CliOptions) -> Result<String, CliError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(seats: u32) -> CliOptions {
        CliOptions {
            seats,
            method: Method::DHondt,
            seed: 0,
        }
    }

    #[test]
    fn prints_seats_in_input_order_and_the_lot() {
        let out = run("group,weight,alliance\nA,6,\nB,6,\nC,2,\n", &opts(10)).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[0].starts_with("A,") && lines[1].starts_with("B,"));
        assert_eq!(lines[2], "C,1");
        assert!(
            lines[3] == "tie: seat 10 between A, B -> A (lot)"
                || lines[3] == "tie: seat 10 between A, B -> B (lot)"
        );
    }

    #[test]
    fn alliances_pool_before_splitting() {
        let input = "group,weight,alliance\nA,5,X\nB,4,X\nC,8,\n";
        let out = run(input, &opts(4)).unwrap();
        // X has 9 against C's 8: X gets 2 (9, 4.5), C gets 2 (8, 4); A and B split X's two.
        assert_eq!(out, "A,1\nB,1\nC,2\n");
    }

    #[test]
    fn names_the_line_of_a_negative_or_non_numeric_weight() {
        let e = parse_groups_csv("group,weight,alliance\nA,3,\nB,-2,\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 3: weight '-2' is not a non-negative whole number"
        );
        let e = parse_groups_csv("group,weight,alliance\nA,three,\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: weight 'three' is not a non-negative whole number"
        );
    }

    #[test]
    fn rejects_missing_columns_in_header_and_rows() {
        let e = parse_groups_csv("group,weight\nA,3\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("missing column 'alliance'"));
        let e = parse_groups_csv("group,weight,alliance\nA,3\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: expected 3 columns (group,weight,alliance), found 2"
        );
    }

    #[test]
    fn rejects_zero_groups_and_duplicates() {
        let e = parse_groups_csv("group,weight,alliance\n").unwrap_err();
        assert!(e.message.starts_with("no groups"));
        let e = parse_groups_csv("").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_groups_csv("group,weight,alliance\nA,1,\nA,2,\n").unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn parses_flags_and_rejects_bad_ones() {
        let o =
            parse_args(["--seats", "7", "--method", "hare", "--seed=9"].map(String::from)).unwrap();
        assert_eq!(
            o,
            CliOptions {
                seats: 7,
                method: Method::Hare,
                seed: 9
            }
        );
        for bad in [
            vec!["--method", "dhondt"],
            vec!["--seats", "x"],
            vec!["--seats", "3", "--method", "webster"],
            vec!["--seats", "3", "--verbose"],
            vec!["--seats"],
        ] {
            assert!(matches!(
                parse_args(bad.iter().map(|s| s.to_string())),
                Err(CliError::Usage(_))
            ));
        }
    }

    #[test]
    fn all_weights_zero_is_an_error_not_a_panic() {
        let e = run("group,weight,alliance\nA,0,\n", &opts(3)).unwrap_err();
        assert_eq!(
            e,
            CliError::Apportion(ApportionError::AllWeightsZero { seats: 3 })
        );
    }

    #[test]
    fn same_seed_same_output() {
        let input = "group,weight,alliance\nA,1,\nB,1,\nC,1,\nD,1,\n";
        let o = CliOptions {
            seed: 42,
            ..opts(2)
        };
        assert_eq!(run(input, &o).unwrap(), run(input, &o).unwrap());
    }
}
