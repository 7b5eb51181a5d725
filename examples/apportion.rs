//! Apportion seats among groups read as CSV on stdin.
//!
//! ```text
//! cargo run --example apportion -- --seats 10 [--method dhondt] [--seed 0] < groups.csv
//! ```
//!
//! The input has the header `group,weight,alliance`. The output is `group,seats` per group in
//! input order, then one `tie:` line per tie settled by lot. Bad input or flags print one line on
//! stderr and exit with code 2.

use std::io::Read;
use std::process::ExitCode;
use valghalla::core::apportion::cli::{parse_args, run};

fn main() -> ExitCode {
    let result = parse_args(std::env::args().skip(1)).and_then(|options| {
        let mut input = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut input) {
            return Err(valghalla::core::apportion::cli::CliError::Usage(format!(
                "cannot read stdin: {e}"
            )));
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
