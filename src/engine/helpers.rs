//! The rule API's reference: every helper [`super::api::register`] gives rule scripts, with its
//! signature, what it returns, what it does and an example. `docs/rule-api.md`, hover in the
//! language server and completion in `.rhai` files are all made from [`HELPERS`], and a test
//! checks that it and the functions registered with the engine agree.

/// One documented helper.
pub struct Helper {
    pub signature: &'static str,
    pub returns: &'static str,
    pub doc: &'static str,
    pub example: &'static str,
}

macro_rules! helper {
    ($sig:expr, $ret:expr, $doc:expr, $ex:expr) => {
        Helper {
            signature: $sig,
            returns: $ret,
            doc: $doc,
            example: $ex,
        }
    };
}

/// Every helper registered by `api::register`, in the order of the reference.
pub const HELPERS: &[Helper] = &[
    helper!(
        "report(path: String, message: String)",
        "()",
        "Records a failed check at `path` with the rule's severity.",
        r#"report("one_login.strategy_confirmed", "no One Login strategy has been confirmed");"#
    ),
    helper!(
        "report(path: String, message: String, help: String)",
        "()",
        "As `report`, with help text telling the reader how to fix it.",
        r#"report("services[0].secure_by_design.risk_owner", "no risk owner", "name the person who owns the risk");"#
    ),
    helper!(
        "report_due(path: String, deadline: Date, message: String)",
        "()",
        "Records an unmet fact that has a deadline. On or before the deadline it is a warning saying how many days are left; after it, a finding with the rule's severity saying how many days overdue.",
        r#"report_due("one_login.strategy_confirmed", date(ctx.params.one_login_strategy_deadline), "no One Login strategy");"#
    ),
    helper!(
        "report_due(path: String, deadline: Date, message: String, help: String)",
        "()",
        "As `report_due`, with help text.",
        r#"report_due("one_login", deadline, "no strategy", "confirm a strategy");"#
    ),
    helper!(
        "warn(path: String, message: String)",
        "()",
        "Records a warning at `path`. Warnings do not fail a check.",
        r#"warn("data.catalogue_entries", "the catalogue is empty");"#
    ),
    helper!(
        "warn(path: String, message: String, help: String)",
        "()",
        "As `warn`, with help text.",
        r#"warn("data", "no catalogue", "describe critical assets in the Data Catalogue");"#
    ),
    helper!(
        "report_in(ref: int, path: String, message: String, help: String)",
        "()",
        "In a portfolio rule, records a failed check in the document that `ref` identifies (each item passed to `check_all` carries its `ref`).",
        r#"report_in(item.ref, "services[2].top75", "not on the top-75 list", "set top75: false");"#
    ),
    helper!(
        "report_due_in(ref: int, path: String, deadline: Date, message: String, help: String)",
        "()",
        "In a portfolio rule, as `report_due` in the document that `ref` identifies: a warning with the days left on or before the deadline, a finding with the rule's severity after it.",
        r#"report_due_in(item.ref, "services", ctx.params.deadline_2025, "target not met", "make more services great");"#
    ),
    helper!(
        "relate(ref: int, path: String, label: String)",
        "()",
        "Adds a secondary label to the finding recorded last, pointing at `path` in the document `ref` identifies: `()` for the document being checked, an item's `ref` in a portfolio rule, or `ctx.declaration_ref` in a proposal rule (the department declaration given as `ctx.declaration`).",
        r#"relate((), "one_login.agreed_adoption_date", "the deadline was agreed here");"#
    ),
    helper!(
        "pass(path: String)",
        "()",
        "Records a check that passed at `path`. Scores count passed and failed checks, so record each item a rule looked at.",
        r#"pass("technology.systems[1]");"#
    ),
    helper!(
        "pass_in(ref: int, path: String)",
        "()",
        "In a portfolio rule, records a passed check in the document that `ref` identifies. In a proposal rule, `pass_in(ctx.declaration_ref, path)` records where in the department declaration a cross-check found what it passed: a review shows it as the criterion's evidence (it is not a check of the declaration).",
        r#"pass_in(item.ref, "services[0]");"#
    ),
    helper!(
        "not_applicable(reason: String)",
        "()",
        "Declares that the rule does not apply to this document, and why. It then counts neither as passed nor failed.",
        r#"return not_applicable("no contracts with other identity providers are declared");"#
    ),
    helper!(
        "date(value: ?)",
        "Date or ()",
        "Reads a `YYYY-MM-DD` string (or a Date) as a Date; anything else, including an impossible day, gives `()`.",
        r#"let d = date(doc.as_of);"#
    ),
    helper!(
        "is_date(value: ?)",
        "bool",
        "Whether `value` is a Date or a valid `YYYY-MM-DD` string.",
        r#"if !is_date(sys.last_resilience_test) { ... }"#
    ),
    helper!(
        "quarter_end(period: ?)",
        "Date or ()",
        "The last day of a reporting quarter written `YYYY-Qn` (calendar quarters: Q1 ends on 31 March, Q4 on 31 December); `()` for anything else.",
        r#"let end = quarter_end(perf.period);"#
    ),
    helper!(
        "days_between(from: Date, to: Date)",
        "int",
        "Days from `from` to `to`: positive when `to` is later.",
        r#"let age = days_between(date(sys.last_resilience_test), ctx.as_of);"#
    ),
    helper!(
        "add_days(date: Date, days: int)",
        "Date",
        "The date `days` after `date` (before it, when negative). A result past 9999-12-31 is 9999-12-31, and one before 0001-01-01 is 0001-01-01: the last and first days a document can write.",
        r#"let window_end = add_days(identified, 180);"#
    ),
    helper!(
        "add_months(date: Date, months: int)",
        "Date",
        "The date `months` calendar months after `date`, the day clamped to the month's end. A result past 9999-12-31 is 9999-12-31, and one before 0001-01-01 is 0001-01-01.",
        r#"let contract_end = add_months(date(c.start), c.term_months);"#
    ),
    helper!(
        "lookup(value: ?, path: String)",
        "?",
        "Follows a dotted path such as `identity.idp_contracts[0].term_months` from `value`; `()` when any step is missing.",
        r#"let confidence = lookup(svc, "secure_by_design.confidence");"#
    ),
    helper!(
        "lookup(value: ?, path: String, default: ?)",
        "?",
        "As `lookup`, but gives `default` when the value is missing or `()`.",
        r#"let contracts = lookup(svc, "identity.idp_contracts", []);"#
    ),
    helper!(
        "has(value: ?, path: String)",
        "bool",
        "Whether the path exists and is not `()` (null).",
        r#"if !has(doc, "one_login.strategy_confirmed") { ... }"#
    ),
    helper!(
        "path(base: String, key: String)",
        "String",
        "Joins a path and a key: `path(\"data\", \"assets\")` is `data.assets`.",
        r#"let p = path(base, "hosting");"#
    ),
    helper!(
        "path(base: String, index: int)",
        "String",
        "Joins a path and a list index: `path(\"services\", 2)` is `services[2]`.",
        r#"let p = path("technology.systems", i);"#
    ),
    helper!(
        "path(item: map, key: String)",
        "String",
        "Joins the path of a map of the document (an item of a list, such as one of `doc.services`) and a key: for the fourth service, `path(svc, \"identity\")` is `services[3].identity`. With no key (`path(item)`), the item's own path.",
        r#"report(path(sys, "hosting"), "no hosting declared");"#
    ),
    helper!(
        "path(item: map)",
        "String",
        "The path of a map of the document, such as `technology.systems[2]`: see `path(item, key)`.",
        r#"pass(path(sys));"#
    ),
    helper!(
        "having(list: Array, path: String, value: ?)",
        "Array",
        "The items of `list` whose value at `path` (as `lookup` follows it) equals `value`, a string, number, `true`, `false` or `()`, in order. Items keep their paths (`path(item, key)`), so a rule need not count indices.",
        r#"for sys in having(lookup(doc, "technology.systems", []), "nationally_important", true) { ... }"#
    ),
    helper!(
        "except(list: Array, path: String, value: ?)",
        "Array",
        "As `having`, the items whose value at `path` does not equal `value`: `except(services, \"phase\", \"retired\")`.",
        r#"for svc in except(lookup(doc, "services", []), "phase", "retired") { ... }"#
    ),
    helper!(
        "on_or_after(list: Array, path: String, day: Date)",
        "Array",
        "The items of `list` whose value at `path` is a date (a Date or a `YYYY-MM-DD` string) on or after `day`, in order; items without such a date are left out.",
        r#"for svc in on_or_after(lookup(doc, "services", []), "started", from) { ... }"#
    ),
    helper!(
        "has_text(value: ?)",
        "bool",
        "Whether `value` is a string with something other than spaces in it: a blank reason or name is as good as none.",
        r#"if !has_text(lookup(doc, "proposal.strategic_commitments.explanations.one_login")) { ... }"#
    ),
    helper!(
        "pct(part: ?, whole: ?)",
        "float or ()",
        "`part` as a percentage of `whole`; `()` when either is not a number or `whole` is 0.",
        r#"let trained = pct(ddat.trained_last_12_months, ddat.headcount);"#
    ),
    helper!(
        "num(value: ?)",
        "float or ()",
        "The value as a float when it is a number, else `()`.",
        r#"let cost = num(perf.cost_per_transaction_gbp);"#
    ),
    helper!(
        "mean(values: Array)",
        "float or ()",
        "The mean of a list of numbers; `()` when the list is empty or holds a non-number.",
        r#"let l = mean(scores.likelihood);"#
    ),
    helper!(
        "max_of(values: Array)",
        "float or ()",
        "The largest of a list of numbers; `()` when empty or not all numbers.",
        r#"let worst = max_of(scores.impact);"#
    ),
    helper!(
        "min_of(values: Array)",
        "float or ()",
        "The smallest of a list of numbers; `()` when empty or not all numbers.",
        r#"let best = min_of(values);"#
    ),
    helper!(
        "sum(values: Array)",
        "float or ()",
        "The sum of a list of numbers; `()` when not all numbers.",
        r#"let total = sum(counts);"#
    ),
    helper!(
        "fmt_pct(value: float)",
        "String",
        "A percentage written to one decimal place, such as `71.4%`.",
        r#"report(p, "only " + fmt_pct(v) + " trained");"#
    ),
    helper!(
        "count(n: int, noun: String)",
        "String",
        "A number with its noun, singular for 1 and plural (an `s` added) otherwise: `1 day`, `12 days`.",
        r#"report(p, "tested " + count(age, "day") + " ago");"#
    ),
    helper!(
        "Date comparison: ==, !=, <, <=, >, >=",
        "bool",
        "Dates compare in calendar order.",
        r#"if date(x) > deadline { ... }"#
    ),
    helper!(
        "Date.year, Date.month, Date.day",
        "int",
        "The parts of a date.",
        r#"if d.year < 2023 { ... }"#
    ),
    helper!(
        "to_string(date: Date)",
        "String",
        "The date as `YYYY-MM-DD`; string concatenation uses the same form.",
        r#"report(p, "tested on " + d);"#
    ),
    helper!(
        "to_debug(date: Date)",
        "String",
        "The date as `YYYY-MM-DD`, as `debug` and string interpolation show it.",
        r#"let shown = `${d}`;"#
    ),
];

/// What a rule finds in `ctx`: each field with what it holds, for `docs/rule-api.md`, hover and
/// completion in `.rhai` files.
pub const CONTEXT: &[(&str, &str)] = &[
    (
        "ctx.as_of",
        "the evaluation date (a Date): `--as-of`, else the document's `as_of`, else today",
    ),
    (
        "ctx.params",
        "the pack's parameters by name, typed (dates are Dates); `--param NAME=VALUE` overrides them",
    ),
    (
        "ctx.data",
        "the pack's data files by name (`data:` in pack.yaml)",
    ),
    ("ctx.file", "the document's file name"),
    (
        "ctx.previous",
        "the organisation's latest earlier declaration (department rules), or `()`",
    ),
    (
        "ctx.declaration",
        "a proposal's department declaration (proposal rules), or `()`; `ctx.declaration_ref` refers to it",
    ),
    ("ctx.document", "the document's index in its file, from 0"),
    (
        "ctx.kind",
        "the document's kind: `department` or `proposal` (`portfolio` in `check_all`)",
    ),
];
