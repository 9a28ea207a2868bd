//! Diagnostics about the tool's own inputs other than declarations: rule scripts, pack
//! manifests, config files and unreadable paths, and the typed [`Code`] of every diagnostic the
//! tool itself raises (the built-in codes). They carry their own source text so that miette
//! can show the offending line of a `.rhai` or manifest file.

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};
use serde::Serialize;

use crate::finding::Severity;
use crate::source::{SourceFile, Span};

/// Where a diagnostic is raised: in a document's findings (`Finding`), or about the tool's own
/// inputs (`Tool`, a [`ToolDiagnostic`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Finding,
    Tool,
}

macro_rules! codes {
    ($( $variant:ident = $id:literal, $kind:ident, $title:literal, $doc:literal; )*) => {
        /// Every code the tool raises itself (rules have their own ids). Each has a title, a
        /// description and a documentation link; `explain CODE` prints them, the SARIF report
        /// lists them, and `docs/diagnostics.md` is generated from this table.
        /// New codes arrive in minor versions: match with a wildcard arm.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        #[warn(missing_docs)]
        pub enum Code {
            $(#[doc = $title] $variant),*
        }

        impl Code {
            /// Every code, in the order of the reference.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The kebab-case id, as reports show it.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id),* }
            }

            /// A readable name, such as "Duplicate key".
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title),* }
            }

            /// What the code means and what to do about it.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc),* }
            }

            /// Whether it is raised in a document's findings or about the tool's inputs.
            pub(crate) fn kind(self) -> Kind {
                match self { $(Code::$variant => Kind::$kind),* }
            }
        }
    };
}

codes! {
    InputUnreadable = "input-unreadable", Tool, "Input cannot be read",
        "A path on the command line, or a file a folder scan found, could not be read: it does not exist, a link points nowhere, or permissions forbid it. Nothing of it was checked, so the run exits with code 2.";
    InputChanged = "input-changed", Tool, "File changed during the run",
        "A file's text was let go once the file was checked (a run whose reports print no snippets keeps memory down that way), and a later stage read it again: a portfolio rule's finding pointing into it, the declaration a proposal names, or a series of one organisation's declarations. The file no longer held what was checked, so that stage went without it: a finding may lack its line, a proposal its declaration. The run exits with code 2; check again once the files stop changing.";
    InputNone = "input-none", Tool, "Nothing to check",
        "The run was given no input it could check (every path was ignored by the config file, or none was given). Checking nothing is a failure, not a pass: a wrong path in CI must not turn green.";
    InputTooLarge = "input-too-large", Finding, "File too large",
        "The file is larger than `--max-file-size` (8 MiB by default). It is read no further than the limit.";
    InputTooComplex = "input-too-complex", Finding, "File too costly to check",
        "Checking a file holds its tree and the values the rules read in memory, and a file of many tiny values (`{a: 1}` mappings, one-digit list items) costs far more than its size. A file may hold at most 48 bytes of memory per byte of its size, and 4 MiB, by the model in docs/security.md; the file is refused at the value that goes over, and the run goes on with the other files.";
    InputEncoding = "input-encoding", Finding, "File is not UTF-8",
        "Declarations are UTF-8 text. The file is UTF-16 (it starts with a byte order mark) or holds a byte sequence that is not UTF-8; the diagnostic points at the first bad byte.";
    InputBinary = "input-binary", Finding, "File holds binary data",
        "The file holds a NUL byte or bytes that are not text: it is probably not a declaration.";
    InputControlChar = "input-control-char", Finding, "Control character in the file",
        "The file holds a raw control character (such as escape, U+001B) that YAML does not allow in a stream. A terminal would obey it if a report showed it, so the file is refused.";
    YamlSyntax = "yaml-syntax", Finding, "YAML syntax error",
        "The YAML parser stopped here: check indentation, brackets and quotes opened before this point, and that every key has a colon and a space after it. Documents before the error are still checked.";
    YamlEmpty = "yaml-empty", Finding, "Empty file",
        "The file holds no YAML document (it is empty, or holds only comments). A warning: there is nothing to check in it.";
    YamlDuplicateKey = "yaml-duplicate-key", Finding, "Duplicate key",
        "A mapping gives the same key twice. YAML keeps only one of the values, so the other is silently lost; the first occurrence is pointed at too.";
    YamlMergeKey = "yaml-merge-key", Finding, "Merge key",
        "Merge keys (`<<`) are not part of YAML 1.2 and hide where a value comes from. Write the keys out.";
    YamlComplexKey = "yaml-complex-key", Finding, "Complex or empty key",
        "A list or a mapping is used as a key, or a key is empty. Declaration keys are plain names.";
    YamlTag = "yaml-tag", Finding, "Tag not allowed",
        "A tag such as `!!python/object` asks other YAML tools to build objects. Declarations are plain data: remove the tag. The YAML 1.2 core tags `!!str`, `!!null`, `!!bool`, `!!int` and `!!float` are read, but only on a value that is already of that type: `!!null 2025-03-31` is refused rather than read as a date by one tool and as null by another.";
    YamlNumberRange = "yaml-number-range", Finding, "Number out of range",
        "A number is larger than rules can compute with exactly: beyond 9,007,199,254,740,992 (2^53) either way, such as `1.8e308`, `1e400` (which a floating-point number cannot even hold) or `18446744073709551615`. No declared figure is that large; write the real figure, or quote it if it is meant as text.";
    YamlTooDeep = "yaml-too-deep", Finding, "Nesting too deep",
        "Lists and mappings nest deeper than `--max-depth` (64 by default). Brackets can never nest more than 255 levels, the parser's own cap.";
    YamlAliasLimit = "yaml-alias-limit", Finding, "Alias expansion over budget",
        "Aliases copy their anchor's value each time they are used. A file's aliases may add at most `--max-alias-nodes` nodes, and anchors and aliases together may copy at most 32 times the file's size: a \"billion laughs\" or alias byte bomb stops here, at the alias that goes over.";
    YamlValueTooLong = "yaml-value-too-long", Finding, "Value too long",
        "A single value is longer than 64 KiB. Declarations state facts in a few words; no rule could quote such a value, and every later stage would copy it.";
    YamlTooManyDocuments = "yaml-too-many-documents", Finding, "Too many documents",
        "A file may hold at most 1,000 documents; the ones after are not read.";
    YamlTooManyProblems = "yaml-too-many-problems", Finding, "More problems not shown",
        "Only the first 100 YAML problems of a document are reported; this note says how many more there are.";
    SchemaNotAMapping = "schema-not-a-mapping", Finding, "Document is not a mapping",
        "A declaration is a mapping of keys starting with `schema_version` and `kind`; this document is a scalar or a list.";
    SchemaMissingKey = "schema-missing-key", Finding, "Required key missing",
        "The document lacks a key the format requires. The diagnostic points at the mapping that should hold it.";
    SchemaUnknownKind = "schema-unknown-kind", Finding, "Unknown document kind",
        "`kind` names no known document kind (`department` or `proposal`).";
    SchemaUnknownKey = "schema-unknown-key", Finding, "Unknown key",
        "The key is not part of the format. A typo hides non-compliance, so unknown keys are errors; keys starting with `x_` are kept for a department's own use. The help names the closest valid key.";
    SchemaType = "schema-type", Finding, "Wrong type",
        "The value has the wrong type (for example text where a number is expected).";
    SchemaEnum = "schema-enum", Finding, "Value not allowed",
        "The value is not one of the values the format allows; the help lists them, and names the closest.";
    SchemaDate = "schema-date", Finding, "Not a date",
        "Dates are ISO `YYYY-MM-DD` strings of a real calendar day (`2025-02-30` is not one).";
    SchemaValue = "schema-value", Finding, "Value out of range",
        "The value breaks a constraint of the format (a range, a pattern, a length).";
    SchemaPlaceholder = "schema-placeholder", Finding, "Placeholder left in",
        "A value is still the `TODO` placeholder `roadmap-lint init` wrote: give the fact, or `null` when it is not known. docs/format.md says what each field means.";
    SchemaTooManyProblems = "schema-too-many-problems", Finding, "More schema problems not shown",
        "Only the first 100 schema problems of a document are reported.";
    WaiverExpired = "waiver-expired", Finding, "Waiver expired",
        "A waiver's `expires` date has passed: it waives nothing, and is itself an error until it is renewed or removed.";
    WaiverExpiring = "waiver-expiring", Finding, "Waiver expiring soon",
        "A waiver expires within `--waiver-warning-days` (30 by default): fix the finding or seek a renewal.";
    WaiverUnused = "waiver-unused", Finding, "Waiver matches nothing",
        "A waiver names a rule and path that produced no finding: the problem was fixed, or the path is wrong.";
    WaiverPathInvalid = "waiver-path-invalid", Finding, "Waiver path invalid",
        "A waiver's `path` is not a document path such as `technology.systems[2]`.";
    StrategicCommitmentsUnanswered = "proposal-strategic-commitments-unanswered", Finding, "Strategic commitments unanswered",
        "A proposal rated high, or with an assurance rating of `control`, must answer every strategic commitment (true or false, explaining each false).";
    RuleSyntax = "rule-syntax", Tool, "Rule does not compile",
        "A rule script has a Rhai syntax error, or uses a disabled feature such as `eval`.";
    RuleMetadata = "rule-metadata", Tool, "Rule metadata invalid",
        "A rule's `let rule = #{...}` map is missing, has an unknown key or a wrong value, or the functions the rule must define are missing.";
    RuleDocs = "rule-docs", Tool, "Rule documentation incomplete",
        "A rule's leading `//!` documentation lacks one of its sections: What it checks, Why, Failing example, Passing example.";
    RuleDuplicateId = "rule-duplicate-id", Tool, "Rule id used twice",
        "Two packs other than the built-in one define a rule with the same id.";
    RuleUnknown = "rule-unknown", Tool, "Unknown rule id",
        "`--rule` names a rule no loaded pack has. A typo would run nothing and pass, so it is an error.";
    RuleUnknownFunction = "rule-unknown-function", Tool, "Rule calls an unknown function",
        "A rule calls a function that neither the rule nor the rule API defines (with that number of arguments). Caught when the pack loads.";
    RuleUnknownName = "rule-unknown-name", Tool, "Rule names something its pack lacks",
        "A rule (or a library function it calls) reads a part of `ctx` that does not exist: `ctx.KEY` other than those docs/rule-api.md lists, `ctx.params.NAME` that is not a parameter of the pack, or `ctx.data.NAME...` that is not a data file of the pack or a key of it. It would read `()` for ever. Caught when the pack loads; the help names the closest name.";
    RulePath = "rule-path", Tool, "Rule names an impossible path",
        "A rule reports, reads or passes a literal path that no document of its kinds can have. Caught when the pack loads.";
    RuleError = "rule-error", Tool, "Rule failed",
        "A rule stopped with an error on one document. It still judges the other documents; the diagnostic names the documents it failed on.";
    RuleTypeMismatch = "rule-type-mismatch", Tool, "Rule compares values of different types",
        "A rule compared a number with a string, a date with a string, or anything with `()` (a missing value) using `<`, `<=`, `>`, `>=`, `==` or `!=` (`==` and `!=` with `()` excepted: they ask whether a value is missing). Such a comparison has no true answer, so it is an error at the operator, naming both types, rather than a silent `false` that hides a rule that never fires. Convert one side first (`num(x)`, `date(x)`), or test for `()` before comparing.";
    RuleLimit = "rule-limit", Tool, "Rule over a sandbox limit",
        "A rule went over a limit of the sandbox (operations, time, call depth, string, list or map size, memory written into document maps, findings) on one document, or its portfolio `collect` kept more than allowed.";
    PackUnreadable = "pack-unreadable", Tool, "Pack file unreadable",
        "A file of a rule pack is not a regular UTF-8 text file of at most 8 MiB, or a folder link was found in the pack.";
    PackOutside = "pack-outside", Tool, "Pack file outside the pack",
        "A file of a rule pack (a rule, the manifest, a data file, a fixture) resolves outside the pack's folder through a link. A pack reads only its own files.";
    PackManifest = "pack-manifest", Tool, "Pack manifest invalid",
        "`pack.yaml` is missing, is not valid, or holds a value out of range.";
    PackData = "pack-data", Tool, "Pack data file invalid",
        "A data file that `pack.yaml` names is missing or is not valid YAML.";
    ParamInvalid = "param-invalid", Tool, "Parameter value invalid",
        "A parameter override (`--param` or `params:` in the config) does not have the parameter's type.";
    ParamUnknown = "param-unknown", Tool, "Unknown parameter",
        "No loaded pack has a parameter of that name; the help names the closest.";
    ConfigUnreadable = "config-unreadable", Tool, "Config file unreadable",
        "The config file is not a readable YAML file of at most 1 MiB (a FIFO, a folder or a link to a device is refused).";
    ConfigSeveralDocuments = "config-several-documents", Tool, "Config holds several documents",
        "The config file must be one YAML document.";
    ConfigBadGlob = "config-bad-glob", Tool, "Bad ignore pattern",
        "An `ignore` entry of the config is not a glob pattern.";
    ConfigExtends = "config-extends", Tool, "Config extends a file it cannot use",
        "The config file's `extends` names a file that cannot be read or has problems of its own, or configs extend each other in a loop or more than 8 deep.";
    ConfigUnknownRule = "config-unknown-rule", Tool, "Config names an unknown rule",
        "`enable`, `disable` or `severity` in the config names a rule id, commitment or mission that no loaded pack has.";
    TargetsInvalid = "targets-invalid", Tool, "Targets file invalid",
        "The department-level targets file the config names cannot be read, does not fit its schema (`roadmap-lint schema targets`), or holds targets that cannot all hold: one that ends before it was agreed, or two for the same organisation and parameter in force on the same day.";
    TargetsTooManyProblems = "targets-too-many-problems", Tool, "More targets problems not shown",
        "Only the first 100 problems a targets file has at one stage (reading it, typing its values against the packs' parameters, matching it with the run's organisations) are reported; this note says how many more there are.";
    TargetUnknown = "target-unknown", Tool, "Target for something unknown",
        "A department-level target names a parameter no loaded pack has, gives a value not of the parameter's type or outside its range, or names an organisation that is neither in the run nor on the pack's top-75 list.";
    TargetExpired = "target-expired", Tool, "Target expired",
        "A department-level target's `until` date is before the evaluation date of a declaration of its organisation: the pack's own value applied instead. Renew the target, or remove it.";
    PreviousInvalid = "previous-invalid", Tool, "Earlier declaration unusable",
        "A file given with `--previous` cannot be read, a document in it is not a valid department declaration with an `as_of` date (the first error is shown at its line), or it was compared with nothing: its organisation is not in the run, or no declaration of it in the run is dated later. Rules that judge change could not use it.";
    GitNotRepository = "git-not-repository", Tool, "Not a git repository",
        "`--previous-rev` or `progress --git` reads declarations from git, but the workspace root is in no git repository (no `.git` folder in it or above it). The run exits with code 2.";
    GitUnknownRevision = "git-unknown-revision", Tool, "Unknown git revision",
        "The revision given to `--previous-rev` or `progress --git` names no commit of the repository (a branch, tag or commit id that is not there). In a shallow clone the commit may be beyond its depth: `git fetch --unshallow`, or a CI checkout with `fetch-depth: 0`, brings the rest. The run exits with code 2.";
    GitShallow = "git-shallow", Tool, "History ends at a shallow clone's depth",
        "The repository is a shallow clone and the history walked stops at its boundary, so earlier commits are not there: the series, or the history read, is shorter than the repository's. A warning; `git fetch --unshallow` (or `fetch-depth: 0` in CI) brings the whole history.";
    GitObjectUnreadable = "git-object-unreadable", Tool, "Git object unreadable",
        "A commit, tree or file the run needed could not be read from the repository's objects (missing or corrupt), or a file at a revision is larger than `--max-file-size`. The run goes on without it; rules that compare with history could not use it.";
    OutputUnwritable = "output-unwritable", Tool, "Report not written",
        "A report named with `--output` could not be written, and nothing was written at that path (a full disk, a missing folder, or a path that is a symbolic link, a pipe, a device or a folder, which are refused and left as they are, or a path that is one of the run's own inputs); or the report on standard output could not be written whole (a full disk, or findings kept on disk that could not be read back), by any command. The run exits with code 2. A closed pipe, as with `| head`, is not this error.";
    ReviewNoProposal = "review-no-proposal", Tool, "No proposal to review",
        "The file given to `review` holds no document of kind `proposal`.";
    RecordInvalid = "record-invalid", Tool, "Assessment record invalid",
        "The `--record` file of `review` cannot be read, does not fit its schema (`roadmap-lint schema record`), names a proposal that is not the one reviewed, removes or re-dates a condition the review does not have (or one of several without saying which by its `path`), or approves a period that ends before it starts. The review is still shown; the run exits with code 2.";
    RecordUnexplained = "record-unexplained", Tool, "Decision differs without a reason",
        "The panel's decision in the `--record` file differs from the tool's recommendation and the record gives no `reason`. A warning: the review shows both, and the reader should know why.";
    PreviousReviewInvalid = "previous-review-invalid", Tool, "Previous review unusable",
        "The `--previous-review` file of `review` cannot be read, is not a `review --format json` report of a version this tool reads, or holds no review of the proposal reviewed now. The review is shown without the comparison; the run exits with code 2.";
    WeightsUnreadable = "weights-unreadable", Tool, "Weights file unreadable",
        "The `--weights` file of `score` cannot be read.";
    WeightsInvalid = "weights-invalid", Tool, "Weights invalid",
        "The `--weights` file names a mission or commitment that no pack has, or gives a weight or band out of range.";
    BaselineUnreadable = "baseline-unreadable", Tool, "Baseline unreadable",
        "The `--baseline` file of `score` cannot be read.";
    BaselineInvalid = "baseline-invalid", Tool, "Baseline invalid",
        "The `--baseline` file is not a `score --format json` report of a version this tool reads.";
    ExplainUnknown = "explain-unknown", Tool, "Nothing to explain",
        "`explain` names no rule and no built-in diagnostic code.";
    EvalFailed = "eval-failed", Tool, "Expression failed",
        "`roadmap-lint eval` could not evaluate the expression: it does not compile, it failed on the document (the position is in the expression, or in the library function it called), or the file, document or pack it names is not there.";
    TestNoPack = "test-no-pack", Tool, "No pack to test",
        "`test` found no rule pack: no `rules/<pack>/pack.yaml` in the working directory, and no folder given.";
    TestNoRule = "test-no-rule", Tool, "No such rule in the pack",
        "`test --rule` names a rule the pack does not have.";
    TestNoFixtures = "test-no-fixtures", Tool, "Fixtures missing",
        "A rule needs a failing fixture (with `# expect:` markers) and a passing one (with none).";
    TestMissing = "test-missing", Tool, "Expected finding missing",
        "A fixture's `# expect:` marker names a finding the rule did not report at that line.";
    TestUnexpected = "test-unexpected", Tool, "Unexpected finding",
        "The rule reported a finding in a fixture that no `# expect:` marker announces.";
    TestMisplaced = "test-misplaced", Tool, "Finding on another line",
        "The rule reported the expected finding, but not on the marked line.";
    TestNeverApplied = "test-never-applied", Tool, "Rule never applied to a passing fixture",
        "A fixture without `# expect:` markers passes only if the rule applied to it and passed something: a rule that said it does not apply, or recorded nothing, proves nothing. Mark a fixture that shows where the rule does not apply with `# expect-not-applicable: rule-id`; such a fixture fails if the rule applied after all.";
    TestNotPassed = "test-not-passed", Tool, "Expected passed check missing",
        "A fixture's `# ok: rule-id` marker says the rule passes a check whose path starts on that line, and it did not.";
    TestHeader = "test-header", Tool, "Fixture header invalid",
        "A fixture's header (`# as_of:`, `# param: NAME=VALUE`, `# target: ORGANISATION NAME=VALUE`, in the comment lines before its first line of YAML) cannot be read, or sets a parameter the pack does not have or a value of the wrong type.";
    TestUntouched = "test-untouched", Tool, "Scaffold not finished",
        "A rule still holds the placeholders `roadmap-lint new` wrote (a `TODO` title or documentation): finish it before it can pass.";
    NewBadId = "new-bad-id", Tool, "Rule id not valid",
        "A rule id is kebab-case: lower-case words and digits joined by hyphens, naming the problem.";
    NewNoPack = "new-no-pack", Tool, "Pack folder missing",
        "`new --pack` names a folder that cannot be created or read.";
    NewBadCommitment = "new-bad-commitment", Tool, "Commitment not in the pack",
        "`new --commitment` names a commitment the pack's `pack.yaml` does not list.";
    NewExists = "new-exists", Tool, "Rule exists",
        "A rule with that id exists; `--force` overwrites it and its fixtures.";
    NewWrite = "new-write", Tool, "Cannot write the scaffold",
        "A file of the new rule could not be written.";
}

/// The documentation link of a built-in code, pinned to the version that is running.
pub const CODE_DOCS: &str =
    "https://github.com/roadmap-lint/roadmap-lint/blob/v{version}/docs/diagnostics.md#{id}";

impl Code {
    /// The code with this id.
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.id() == id)
    }

    /// Where the code is documented, for this version.
    pub fn url(self) -> String {
        CODE_DOCS
            .replace("{version}", env!("CARGO_PKG_VERSION"))
            .replace("{id}", self.id())
    }

    /// The code's documentation as `explain` prints it.
    pub fn explain(self) -> String {
        format!(
            "# {}: {}\n\nBuilt-in {}. {}\n\n{}\n",
            self.id(),
            self.title(),
            match self.kind() {
                Kind::Finding => "finding about a document",
                Kind::Tool => "diagnostic about the tool's own inputs",
            },
            self.description(),
            self.url()
        )
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.id() == *other
    }
}

/// A problem with the tool's own inputs rather than with a declaration: a rule that does not
/// compile, a bad parameter, an unreadable path, a broken config. Each has a [`Code`], a
/// message, help, and where known the file, line and column. It renders with miette.
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
#[warn(missing_docs)]
pub struct ToolDiagnostic {
    /// What kind of problem it is.
    pub code: Code,
    /// How serious it is: an error means the tool could not do part of its job.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to put it right.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The file concerned (a rule script, a manifest, a path given by the user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line concerned in the file, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The column concerned in the line, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What the label under the line says.
    #[serde(skip)]
    pub label: Option<String>,
    #[serde(skip)]
    snippet: Option<(NamedSource<Arc<str>>, usize, usize)>,
}

impl ToolDiagnostic {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        ToolDiagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            help: None,
            file: None,
            line: None,
            column: None,
            label: None,
            snippet: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub(crate) fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub(crate) fn file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    pub(crate) fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Point at a character span of a source file.
    pub(crate) fn at(mut self, source: &SourceFile, span: Span) -> Self {
        let loc = source.locate(span);
        self.file = Some(source.name.clone());
        self.line = Some(loc.line);
        self.column = Some(loc.column);
        self.snippet = Some((
            NamedSource::new(source.name.clone(), source.text.clone()),
            loc.byte_start,
            loc.byte_len,
        ));
        self
    }

    /// The bytes of its source text it points at (start, length), when it points at a span.
    pub fn byte_span(&self) -> Option<(usize, usize)> {
        self.snippet.as_ref().map(|(_, start, len)| (*start, *len))
    }

    /// Point at a 1-based line and column of a source file (Rhai and serde report these).
    pub(crate) fn at_line(self, source: &SourceFile, line: usize, column: usize) -> Self {
        let offset = source.char_offset(line, column);
        let len = usize::from(offset < source.text.len());
        self.at(source, Span::new(offset, offset + len))
    }
}

impl fmt::Display for ToolDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ToolDiagnostic {}

impl Diagnostic for ToolDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code.url()))
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|(s, _, _)| s as &dyn SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, start, len) = self.snippet.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(self.label.clone(), (*start, *len)),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes are unique, kebab-case, titled and documented, and each finds itself by id.
    #[test]
    fn codes_are_unique_and_documented() {
        let mut ids = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(ids.insert(code.id()), "{} twice", code.id());
            assert!(
                code.id()
                    .split('-')
                    .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase())),
                "{}",
                code.id()
            );
            assert!(
                !code.title().is_empty() && code.description().len() > 40,
                "{}",
                code.id()
            );
            assert_eq!(Code::from_id(code.id()), Some(*code));
            assert!(code.url().ends_with(&format!("#{}", code.id())));
        }
    }
}
