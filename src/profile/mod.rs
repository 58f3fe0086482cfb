//! The program profile: every threshold, KPI value, keyword and header name, as data (RON).
//!
//! Programs change their requirements every year, so nothing in code repeats a threshold: the
//! default profile is `assets/programs/learning-partner.ron`, embedded in the binary, and any
//! other profile is a file loaded with [`Profile::from_path`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The default profile's RON text, embedded at build time.
pub const BUILTIN_PROFILE: &str = include_str!("../../assets/programs/learning-partner.ron");

/// A product line of the program (R2). The set of lines is fixed; their values are data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProductLine {
    /// Microsoft Training Courseware: MOC, DMOC, On-Demand, workshops, 40XXX, MTA courseware.
    Courseware,
    /// Microsoft Course Certificate Vouchers (MCCV / MCCVL).
    Mccv,
    /// Exam vouchers, bundles and exam sets (revenue only).
    Exam,
    /// Microsoft Authorized Labs / Labs Online (revenue only).
    Lab,
    /// First Look and other free content: counts nothing.
    Excluded,
    /// Nothing matched: counts nothing, listed for review.
    Unknown,
}

impl ProductLine {
    /// Every line, in report order.
    pub const ALL: [ProductLine; 6] = [
        ProductLine::Courseware,
        ProductLine::Mccv,
        ProductLine::Exam,
        ProductLine::Lab,
        ProductLine::Excluded,
        ProductLine::Unknown,
    ];

    /// The lowercase key used in reports and profiles.
    pub fn key(self) -> &'static str {
        match self {
            ProductLine::Courseware => "courseware",
            ProductLine::Mccv => "mccv",
            ProductLine::Exam => "exam",
            ProductLine::Lab => "lab",
            ProductLine::Excluded => "excluded",
            ProductLine::Unknown => "unknown",
        }
    }

    /// Its name for people (the summary's "By product line").
    pub fn name(self) -> &'static str {
        match self {
            ProductLine::Courseware => "Courseware",
            ProductLine::Mccv => "Course certificate vouchers (MCCV)",
            ProductLine::Exam => "Exams (revenue only)",
            ProductLine::Lab => "Labs (revenue only)",
            ProductLine::Excluded => "Free content (adds nothing)",
            ProductLine::Unknown => "Unknown products (unclassified)",
        }
    }

    /// Position in [`ProductLine::ALL`], for array-indexed totals.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for ProductLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A logical column of a purchase export (import.md, "Header row and columns").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The invoice date: the purchase date when the file has it.
    InvoiceDate,
    /// The order date: the purchase date when there is no invoice date column.
    OrderDate,
    /// An invoice number: the order id, preferred over an order number column.
    InvoiceNumber,
    /// The order number.
    OrderId,
    /// The line number within the order.
    LineId,
    /// Part number / SKU / course code.
    PartNumber,
    /// Product name or description.
    ProductName,
    /// Product type or category.
    ProductType,
    /// Quantity in purchase units (student kits).
    Quantity,
    /// Price per unit.
    UnitPrice,
    /// Line amount.
    Amount,
    /// ISO currency code.
    Currency,
    /// Components per packaged set.
    Components,
    /// Order / invoice status.
    Status,
}

impl Field {
    /// Every field, in a stable order.
    pub const ALL: [Field; 14] = [
        Field::InvoiceDate,
        Field::OrderDate,
        Field::InvoiceNumber,
        Field::OrderId,
        Field::LineId,
        Field::PartNumber,
        Field::ProductName,
        Field::ProductType,
        Field::Quantity,
        Field::UnitPrice,
        Field::Amount,
        Field::Currency,
        Field::Components,
        Field::Status,
    ];

    /// The snake_case name used in messages and mappings.
    pub fn key(self) -> &'static str {
        match self {
            Field::InvoiceDate => "invoice_date",
            Field::OrderDate => "order_date",
            Field::InvoiceNumber => "invoice_number",
            Field::OrderId => "order_id",
            Field::LineId => "line_id",
            Field::PartNumber => "part_number",
            Field::ProductName => "product_name",
            Field::ProductType => "product_type",
            Field::Quantity => "quantity",
            Field::UnitPrice => "unit_price",
            Field::Amount => "amount",
            Field::Currency => "currency",
            Field::Components => "components",
            Field::Status => "status",
        }
    }

    /// The name people read ("Invoice date"), for mapping tables and documentation; `key` stays
    /// the name in files and messages meant for scripts.
    pub fn name(self) -> &'static str {
        match self {
            Field::InvoiceDate => "Invoice date",
            Field::OrderDate => "Order date",
            Field::InvoiceNumber => "Invoice number",
            Field::OrderId => "Order number",
            Field::LineId => "Line number",
            Field::PartNumber => "Part number",
            Field::ProductName => "Product name",
            Field::ProductType => "Product type",
            Field::Quantity => "Quantity",
            Field::UnitPrice => "Unit price",
            Field::Amount => "Amount",
            Field::Currency => "Currency",
            Field::Components => "Components per set",
            Field::Status => "Status",
        }
    }

    /// Position in [`Field::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The logical field this one counts as when recognizing a header (an invoice number is
    /// the order id).
    pub fn logical(self) -> Field {
        match self {
            Field::InvoiceNumber => Field::OrderId,
            other => other,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One membership level and its requirements (R1). `None` / `false`: does not apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Stable id used in reports and workspaces ("gold").
    pub id: String,
    /// Display name ("Gold").
    pub name: String,
    /// Active Microsoft Certified Trainers required at the deadline.
    #[serde(default)]
    pub mcts: Option<u32>,
    /// Whether the competency's exam rule for this level must be met.
    #[serde(default)]
    pub exams: bool,
    /// KPI units required in the window.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub kpi_units: Option<Decimal>,
    /// Revenue (USD) required in the window.
    #[serde(default, with = "rust_decimal::serde::str_option")]
    pub revenue_usd: Option<Decimal>,
}

/// What one purchase unit of a product line is worth (R2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineValue {
    /// KPI units per student kit (per component for packaged sets).
    #[serde(with = "rust_decimal::serde::str")]
    pub kpi_per_kit: Decimal,
    /// Whether the line's revenue counts toward the revenue target.
    pub revenue: bool,
}

/// A keyword rule: matches when the text holds one of `any` and, when `with` is not empty,
/// also one of `with`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeywordRule {
    /// Words or phrases, one of which must appear.
    pub any: Vec<String>,
    /// Words or phrases of which one must also appear (empty: no condition).
    #[serde(default)]
    pub with: Vec<String>,
    /// The line a match assigns.
    pub line: ProductLine,
}

/// A course-code rule: a regular expression matched against the part number and the first
/// token of the product name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRule {
    /// Anchored regular expression (regex-lite syntax).
    pub pattern: String,
    /// The line a match assigns.
    pub line: ProductLine,
    /// Why the rule exists, shown when explaining a classification.
    #[serde(default)]
    pub note: String,
}

/// The classification rulebook (import.md, "Classification").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rulebook {
    /// Rules for the product type cell.
    pub type_rules: Vec<KeywordRule>,
    /// Rules for the product name and part number.
    pub name_rules: Vec<KeywordRule>,
    /// Course-code patterns.
    pub code_rules: Vec<CodeRule>,
    /// Phrases that make a row a packaged set.
    #[serde(default)]
    pub packaged_set: Vec<String>,
}

/// One row of the benefits table (R6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Benefit {
    /// Benefit name ("Training use licenses").
    pub name: String,
    /// Value per level id.
    pub values: BTreeMap<String, String>,
}

/// A program profile: the rules as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Stable id ("learning-partner").
    pub id: String,
    /// Display name.
    pub name: String,
    /// Levels from the highest down.
    pub levels: Vec<Level>,
    /// Value per product line.
    pub lines: BTreeMap<ProductLine, LineValue>,
    /// Classification rules.
    pub rulebook: Rulebook,
    /// Header names recognized per logical field.
    pub headers: BTreeMap<Field, Vec<String>>,
    /// First cells that mark a summary row.
    pub summary_words: Vec<String>,
    /// Status prefixes that mean "not invoiced".
    pub not_invoiced_status: Vec<String>,
    /// Benefits per level.
    #[serde(default)]
    pub benefits: Vec<Benefit>,
}

/// A profile that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// The file could not be read.
    #[error("cannot read profile {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not a file lpkpi reads (a device, a pipe, a folder, over 1 MiB).
    #[error(transparent)]
    File(crate::files::FileError),
    /// The file is not UTF-8 text.
    #[error("cannot read profile {path}: the file is not UTF-8 text")]
    NotText {
        /// The file.
        path: String,
        /// Where the bytes stop being UTF-8.
        source: std::string::FromUtf8Error,
    },
    /// The RON did not parse.
    #[error("profile {path} does not parse: {message}")]
    Parse {
        /// The file (or "built-in").
        path: String,
        /// Line, column and what was wrong.
        message: String,
        /// The parser's error.
        source: Box<ron::error::SpannedError>,
    },
    /// The RON parsed but the content is inconsistent.
    #[error("profile {path} is not usable: {message}")]
    Invalid {
        /// The file (or "built-in").
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl Profile {
    /// The embedded default profile.
    pub fn builtin() -> Result<Profile, ProfileError> {
        Profile::from_ron(BUILTIN_PROFILE, "built-in")
    }

    /// Parse and validate a profile from RON text; `origin` names it in errors.
    pub fn from_ron(text: &str, origin: &str) -> Result<Profile, ProfileError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let profile: Profile = ron::Options::default()
            .with_recursion_limit(64)
            .from_str(text)
            .map_err(|e| ProfileError::Parse {
                path: origin.to_string(),
                message: match e.code {
                    ron::error::Error::ExceededRecursionLimit => format!(
                        "{}:{}: the file nests deeper than 64 levels, which no profile does",
                        e.span.start.line, e.span.start.col
                    ),
                    _ => e.to_string(),
                },
                source: Box::new(e),
            })?;
        profile.validate(origin)?;
        Ok(profile)
    }

    /// Load a profile file.
    pub fn from_path(path: &Path) -> Result<Profile, ProfileError> {
        let bytes = crate::files::read_capped(
            path,
            crate::money::limits::MAX_PROFILE_BYTES,
            "a program profile",
        )
        .map_err(ProfileError::File)?;
        let text = String::from_utf8(bytes).map_err(|source| ProfileError::NotText {
            path: path.display().to_string(),
            source,
        })?;
        Profile::from_ron(&text, &path.display().to_string())
    }

    /// The level with this id.
    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// The value of a product line (a line missing from the profile is worth nothing).
    pub fn line_value(&self, line: ProductLine) -> LineValue {
        self.lines.get(&line).cloned().unwrap_or(LineValue {
            kpi_per_kit: Decimal::ZERO,
            revenue: false,
        })
    }

    /// Check that the profile can be used (unique ids and header names, valid patterns,
    /// plausible numbers).
    pub fn validate(&self, origin: &str) -> Result<(), ProfileError> {
        let invalid = |message: String| ProfileError::Invalid {
            path: origin.to_string(),
            message,
        };
        if self.levels.is_empty() {
            return Err(invalid("it defines no level".into()));
        }
        let mut ids = std::collections::BTreeSet::new();
        for level in &self.levels {
            if !ids.insert(level.id.as_str()) {
                return Err(invalid(format!("level id '{}' appears twice", level.id)));
            }
        }
        let mut seen: BTreeMap<String, Field> = BTreeMap::new();
        for (field, names) in &self.headers {
            for name in names {
                let key = normalize_header(name);
                if let Some(other) = seen.insert(key, *field)
                    && other != *field
                {
                    return Err(invalid(format!(
                        "header name '{name}' is listed for both {other} and {field}"
                    )));
                }
            }
        }
        let limit = Decimal::from(1_000_000_000_000_000i64);
        for level in &self.levels {
            for t in [level.kpi_units, level.revenue_usd].into_iter().flatten() {
                if t.is_sign_negative() || t > limit {
                    return Err(invalid(format!(
                        "level '{}' has an implausible target {t}",
                        level.id
                    )));
                }
            }
        }
        // R1 walks the levels from the highest down: a level listed below another may not ask
        // for more than it (a profile listed lowest first would turn every verdict over)
        for pair in self.levels.windows(2) {
            let [upper, lower] = pair else { continue };
            let asks = |l: &Level| {
                [
                    ("KPI units", l.kpi_units.unwrap_or_default()),
                    ("revenue", l.revenue_usd.unwrap_or_default()),
                    ("Certified Trainers", Decimal::from(l.mcts.unwrap_or(0))),
                    ("exam rule", Decimal::from(u8::from(l.exams))),
                ]
            };
            for ((what, up), (_, low)) in asks(upper).into_iter().zip(asks(lower)) {
                if low > up {
                    let said = |x: Decimal| match what {
                        "exam rule" if x.is_zero() => "none".to_string(),
                        "exam rule" => "required".to_string(),
                        _ if x.is_zero() => "none".to_string(),
                        _ => x.normalize().to_string(),
                    };
                    return Err(invalid(format!(
                        "levels are listed from the highest down, but '{}' asks for more than '{}' above it ({what}: {} against {})",
                        lower.id,
                        upper.id,
                        said(low),
                        said(up)
                    )));
                }
            }
        }
        for (line, value) in &self.lines {
            if value.kpi_per_kit.is_sign_negative() || value.kpi_per_kit > Decimal::from(1000) {
                return Err(invalid(format!(
                    "the KPI value of {line} ({}) must be between 0 and 1000",
                    value.kpi_per_kit
                )));
            }
        }
        for rule in &self.rulebook.code_rules {
            regex_lite::Regex::new(&rule.pattern).map_err(|e| {
                invalid(format!(
                    "course-code pattern '{}' is invalid: {e}",
                    rule.pattern
                ))
            })?;
        }
        Ok(())
    }
}

/// A header name as compared: lowercase, without spaces, `_`, `-`, `.`, `#`.
pub fn normalize_header(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.' | '#' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profile_loads_with_the_r1_thresholds() {
        let p = Profile::builtin().unwrap();
        let gold = p.level("gold").unwrap();
        assert_eq!(gold.kpi_units, Some(Decimal::from(5000)));
        assert_eq!(gold.revenue_usd, Some(Decimal::from(500_000)));
        assert_eq!(gold.mcts, Some(4));
        assert_eq!(
            p.level("silver").unwrap().kpi_units,
            Some(Decimal::from(200))
        );
        assert_eq!(p.level("lap").unwrap().mcts, Some(1));
        assert_eq!(
            p.line_value(ProductLine::Mccv).kpi_per_kit,
            Decimal::new(5, 1)
        );
    }

    #[test]
    fn every_field_has_a_distinct_name_for_people() {
        let names: std::collections::BTreeSet<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Field::ALL.len());
        assert_eq!(Field::InvoiceDate.name(), "Invoice date");
        assert_eq!(Field::ProductName.name(), "Product name");
        assert!(Field::ALL.iter().all(|f| !f.name().contains('_')));
    }

    #[test]
    fn a_header_name_listed_twice_is_refused() {
        let text = BUILTIN_PROFILE.replace("\"Billing Date\"", "\"Billing Date\", \"Qty\"");
        let err = Profile::from_ron(&text, "test").unwrap_err();
        assert!(err.to_string().contains("Qty"), "{err}");
    }

    /// A name mistyped in a profile is refused: read as absent, a requirement would vanish.
    #[test]
    fn a_mistyped_name_is_refused() {
        let text = BUILTIN_PROFILE.replacen("kpi_units:", "kpi_unit:", 1);
        assert_ne!(text, BUILTIN_PROFILE);
        let err = Profile::from_ron(&text, "test").unwrap_err().to_string();
        assert!(err.contains("Unexpected field named `kpi_unit`"), "{err}");
    }

    /// Levels listed lowest first would turn every verdict over (R1 walks them from the top):
    /// refused, naming the level out of place.
    #[test]
    fn levels_listed_lowest_first_are_refused() {
        let mut p = Profile::builtin().unwrap();
        p.levels.reverse();
        let err = p.validate("test").unwrap_err().to_string();
        assert!(
            err.contains("levels are listed from the highest down, but 'silver' asks for more than 'lap' above it (KPI units: 200 against none)"),
            "{err}"
        );
        // a lower level asking for an exam rule the one above does not
        let mut p = Profile::builtin().unwrap();
        p.levels[0].exams = false;
        let err = p.validate("test").unwrap_err().to_string();
        assert!(
            err.contains(
                "'silver' asks for more than 'gold' above it (exam rule: required against none)"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_bad_pattern_is_refused() {
        let text = BUILTIN_PROFILE.replace("^405[0-9]{3}$", "^405[0-9");
        assert!(Profile::from_ron(&text, "test").is_err());
    }
}
