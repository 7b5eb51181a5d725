//! Auto-fill: assigning volunteers to vacant seats. [`solver`] is the domain-free core; wiring it
//! to the domain model (eligibility, teams, stations) happens elsewhere.

pub mod solver;

pub use solver::{
    Assignment, Candidate, Instance, PersonDay, SeatGroup, Shortfall, Solution, SolveError,
    hall_supply, solve,
};
