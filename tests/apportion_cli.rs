//! The `apportion` example's behaviour, through the pure functions it calls.

use valghalla::core::apportion::cli::{CliError, parse_args, run};

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
