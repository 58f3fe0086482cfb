//! Exchange rates: USD per unit of a currency, for every month or for one month.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Currency, Month, cents};

/// Exchange rates: USD per unit of a currency, optionally per month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rates {
    /// Rate per currency (any month).
    pub usd_per: BTreeMap<Currency, Decimal>,
    /// Rate per currency for one month (wins over the general rate).
    pub monthly: BTreeMap<(Currency, Month), Decimal>,
}

impl Rates {
    /// The USD value of `amount` in `currency` on `date`, rounded to cents; None without a rate.
    pub fn to_usd(&self, amount: Decimal, currency: Currency, date: NaiveDate) -> Option<Decimal> {
        if currency == Currency::USD {
            return Some(amount);
        }
        self.monthly
            .get(&(currency, Month::of(date)))
            .or_else(|| self.usd_per.get(&currency))
            .and_then(|r| amount.checked_mul(*r))
            .map(cents)
    }
}
