//! The `apportion` example's behaviour, through the functions its `main` calls.

#[path = "../examples/apportion.rs"]
#[allow(dead_code, reason = "the example's main is not called here")]
mod apportion;

use apportion::{CliError, Options, parse_args, parse_groups_csv, run};
use valghalla::core::apportion::{ApportionError, Method};

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn apportions_council_groups_with_dhondt_by_default() {
    let options = parse_args(args(&["--seats", "9"])).unwrap();
    let input = "group,weight,alliance\nA,13,\nB,9,\nC,5,\nD,4,\n";
    // Quotients 13, 9, 6.5, 5, 4.5, 4.33, 4, 3.25, 3 (B's third) …
    assert_eq!(run(input, &options).unwrap(), "A,4\nB,3\nC,1\nD,1\n");
}

#[test]
fn reports_a_lot_on_a_tie_line() {
    let options = parse_args(args(&["--seats", "10", "--seed", "5"])).unwrap();
    let out = run("group,weight,alliance\nA,6,\nB,6,\nC,2,\n", &options).unwrap();
    let tie = out.lines().last().unwrap();
    assert!(tie.starts_with("tie: seat 10 between A, B -> "));
    assert!(tie.ends_with(" (lot)"));
}

#[test]
fn hare_and_alliances_from_the_command_line() {
    let options = parse_args(args(&["--seats", "11", "--method", "hare"])).unwrap();
    let out = run("group,weight,alliance\nA,6,\nB,6,\nC,2,\n", &options).unwrap();
    assert_eq!(out, "A,5\nB,5\nC,1\n");
}

#[test]
fn bad_input_names_the_line() {
    let options = parse_args(args(&["--seats", "3"])).unwrap();
    let err = run("group,weight,alliance\nA,1,\nB,-2,\n", &options).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 3: weight '-2' is not a non-negative whole number"
    );
    assert!(matches!(
        parse_args(args(&["--seat", "3"])),
        Err(CliError::Usage(_))
    ));
}

// Formerly the unit tests of `valghalla_core::apportion::cli`.
fn opts(seats: u32) -> Options {
    Options {
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
    let o = parse_args(["--seats", "7", "--method", "hare", "--seed=9"].map(String::from)).unwrap();
    assert_eq!(
        o,
        Options {
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
    let o = Options {
        seed: 42,
        ..opts(2)
    };
    assert_eq!(run(input, &o).unwrap(), run(input, &o).unwrap());
}
