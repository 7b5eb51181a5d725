//! Auto-fill: assigning volunteers to vacant seats. [`solver`] is the domain-free core;
//! [`plan`] builds its instance from an election and reads the solution back as proposed
//! invitations with explanations.

pub mod plan;
pub mod solver;

pub use crate::flow::FlowError;
pub use plan::{
    CostModel, CostTerm, FillInput, FillOptions, FillPlan, FillProposal, ProposedAssignment,
    ShortfallSummary, UnfilledExplanation, propose_fill,
};
pub use solver::{
    Assignment, Candidate, Instance, PersonDay, SeatGroup, Shortfall, Solution, SolveError,
    hall_supply, solve,
};
