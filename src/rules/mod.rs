//! The program's rules applied: the renewal dates, and the evaluation that turns imported
//! purchases into the KPI figures, level checks, verdict and forecast, with the program
//! profile ([`crate::profile`], data) as its input.

pub mod capability;
pub mod evaluate;
pub mod figures;
pub mod forecast;
pub mod verdict;
pub mod window;

pub use crate::profile::{ProductLine, Profile};
pub use evaluate::{Evaluation, Inputs, evaluate};
pub use window::{Month, RenewalDates};
