//! Money at the bottom of the program: currencies, cents, exchange rates per month, and the
//! limits every value and file must respect. It uses nothing else of lpkpi.

mod currency;
pub mod limits;
mod month;
mod rates;

pub use currency::{Currency, cents};
pub use month::Month;
pub use rates::Rates;
