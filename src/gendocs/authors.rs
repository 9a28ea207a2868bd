//! The parts of `docs/rule-api.md` about writing and testing a pack: what is checked when a
//! pack loads, fixtures, and trying rule code by hand.

/// What is checked when a pack loads, and what a rule compares at run time.
pub fn checks() -> &'static str {
    "## What is checked before a rule meets a document\n\n\
When a pack loads (`rules`, `test`, `check` and the rest; the language server as you type), \
each rule, and each library function it calls, is read without running it:\n\n\
- Every place it reads of a document (a property such as `s.phase`, `lookup(x, \"p\")`, \
`has(x, \"p\")`, the field `having`, `except` and `on_or_after` filter by) must be possible in \
a document of its kinds. A variable's place follows from how it was bound (`for s in \
doc.services`, `let perf = s.performance`), through the rule's own functions and the library \
functions it calls, and through what a library function returns (`for s in \
dwp::large_services(doc)` reads services). Keys of your own (`x_...`) are open, unless the pack \
declares their schema in `fields:` (docs/pack.md): then a path below them is checked as strictly \
as the format's own, and documents are checked against that schema. Error `rule-path`, with the \
keys that exist there.\n\
- `ctx.KEY` must be a key of `ctx` (the table above, and `previous`, `declaration`, \
`declaration_ref`), `ctx.params.NAME` a parameter of the pack, `ctx.data.NAME...` a data file \
of the pack and keys its contents have. Error `rule-unknown-name`, with the closest name.\n\
- A comparison whose two sides have known, different types is an error (`rule-type-mismatch`): \
a field the schema types as a number against a string, a date parameter or `ctx.as_of` against \
a string, a boolean against a string, anything ordered (`<`, `>`, ...) against `()`. A side's \
type comes from a literal, a parameter's declared type, the schema (with the pack's fields), a \
data file's contents, or what a helper returns.\n\
- A rule without `severity` is a warning: its findings are errors, the default; `explain` says \
so.\n\n\
At run time, a comparison of two values of different types is an error of the rule at the \
operator, naming both types (`rule-type-mismatch`), never a silent `false`: `80 < \"80\"`, \
`date(x) > \"2025-01-01\"`, `() > 3`. Numbers compare with numbers whatever their form \
(`3 < 3.5`), maps with maps, and `x == ()` / `x != ()` ask whether a value is missing. Every \
error of a rule names its file (the rule's, or the `lib/` module where it happened), line and \
column, and the document path of the item it was judging (the map of the document it read \
last); a limit (operations, time, call depth, memory) points at the loop or the recursive call \
that was running when it struck, found by running the rule once more with a tracer.\n\n"
}

/// Organisations: `applies_to`.
pub fn organisations() -> &'static str {
    "## Which organisations a rule judges\n\n\
`applies_to: [\"DWP\"]` in a rule's metadata, or in `pack.yaml` for all of its rules, limits \
the rule to documents of those organisations (a declaration's `organisation.id`, a proposal's \
`proposal.organisation`). An entry is an organisation code, or an organisation type of the \
organisations register (a data file named `organisations` in a loaded pack, whose entries give \
`code` and `type`). A rule that does not judge an organisation does not run on its documents: \
no result, no finding. An entry that is neither a code nor a type of the register (the loaded \
packs', else the built-in pack's) is a `rule-metadata` warning when the pack loads, with a \
suggestion (`DPW`: did you mean `DWP`?): such a rule would judge no registered organisation.\n\n\
An exemption from a whole commitment is declared once, under `exemptions:` in `pack.yaml` \
(docs/pack.md), never in the rules: before any rule of that commitment runs on a document, the \
tool asks whether the exemption reaches the document's organisation (a proposal's organisation \
for a proposal). The register's boolean field it names decides for an organisation the register \
lists; for one it does not list, the `unregistered` path of the organisation's declaration (a \
proposal's department declaration); an `except` code never is. A rule it reaches is not \
applicable with the exemption's reason, and is not called, so no rule of the commitment can \
forget it; `except_rules` names the few it must not reach (one that checks the register \
itself). Portfolio rules are not exempted.\n\n"
}

/// Fixtures: markers, headers, the several-documents convention, coverage.
pub fn fixtures() -> &'static str {
    "## Fixtures\n\nEach rule has fixtures in its pack's fixtures folder (`fixtures:` in pack.yaml), \
in a sub-folder named after the rule: YAML declarations or proposals whose comments say what \
the rule must do with them. `roadmap-lint test [PACK_DIR] [--rule ID] [--coverage]` runs them; \
`roadmap-lint new RULE-ID --commitment N [--kind proposal]` writes a rule with a failing and \
a passing fixture. Every rule needs both.\n\n\
| marker | says |\n| --- | --- |\n\
| `# expect: RULE-ID` | a finding of the rule (an error) starts on this line; `# expect-warning:` and `# expect-info:` for the other severities; several ids separated by commas |\n\
| `# ok: RULE-ID` | the rule passes a check (`pass(path)`) whose path starts on this line |\n\
| `# expect-not-applicable: RULE-ID` | anywhere in the file: the fixture shows where the rule does not apply (it says `not_applicable`, or records nothing) |\n\n\
A fixture without `# expect` markers must produce no finding, and the rule must apply to it: \
a passing fixture on which the rule said it does not apply, or recorded nothing, proves \
nothing, and fails (`test-never-applied`) unless it is marked `# expect-not-applicable:`.\n\n\
The comment lines before a fixture's first line of YAML may set what it is judged with:\n\n\
```yaml\n\
# as_of: 2025-06-30                   the evaluation date, as --as-of\n\
# param: large_service_transactions=1000   a parameter, as --param\n\
# target: DWP time_to_hire_days=45    an organisation's own target, as a targets file\n\
schema_version: 1\n\
```\n\n\
A header's parameter or target is checked against the pack's declaration of it \
(`param-unknown`, `param-invalid`, `target-unknown` at its line).\n\n\
**Several documents.** A case is a file, or a sub-folder whose files are checked together (for \
portfolio rules, and for a proposal with the department declaration it is checked against). A \
file may also hold several documents separated by `---` lines: they are checked together as \
one run, each marker applies to its own line whatever the document, and a header (before the \
first document) applies to all of them.\n\n\
`test` shows, under each rule, what the rule printed (`print`, `debug`) on each fixture. With \
`--coverage`, it also lists the calls that record a result (`report`, `warn`, `report_due`, \
`pass`, `not_applicable`, and their portfolio forms), in the rule and in the library functions \
it calls, that no fixture reached: a branch whose `report` no fixture reaches is a branch no \
fixture tests.\n\n"
}

/// Trying rule code by hand.
pub fn debugging() -> &'static str {
    "## Trying rule code by hand\n\n\
`roadmap-lint eval FILE EXPR` evaluates a Rhai expression (or statements, the last one's value \
the answer) with `doc` bound to a document of FILE (`--document N`, from 1) and `ctx` to what a \
rule of the pack sees (`--pack NAME`, default the last loaded: the last `--rules`, else the \
built-in pack), in the pack's engine, its library modules callable, and prints the value as \
JSON (dates as `YYYY-MM-DD`):\n\n\
```sh\n\
roadmap-lint eval --rules rules/dwp declarations/dwp.yaml 'dwp::large_services(doc).map(|s| s.id)'\n\
```\n\n\
`print(x)` and `debug(x)` in a rule or library function write a line that `test` shows under \
the fixture, and that `roadmap-lint check --debug-rule RULE-ID` shows on standard error for each \
document, without changing the report.\n\n"
}
