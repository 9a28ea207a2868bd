//! A pack's library: the `lib/*.rhai` modules its rules share, so that rules do not copy each
//! other's helpers. Each module is compiled once, when the pack loads, from the pack's own
//! folder, in the same sandbox as rules; rules call its functions as `NAME::function(...)`
//! (NAME is the file's stem), or after `import "NAME" as alias;`. A module defines functions
//! (and constants); it cannot import another.

use std::collections::{BTreeMap, BTreeSet};

use rhai::{Module, Scope, Shared};

use crate::diag::{Code, ToolDiagnostic};
use crate::engine::Sandbox;
use crate::source::SourceFile;

/// Functions of the modules, by module and function name, with the argument counts each
/// accepts: the load-time lint checks qualified calls (`legacy::score(x)`) against them.
pub type Functions = BTreeMap<String, BTreeMap<String, BTreeSet<usize>>>;

/// A pack's compiled library.
#[derive(Default)]
pub struct Library {
    pub modules: Vec<(String, Shared<Module>)>,
    pub functions: Functions,
    /// Each module's compiled script, by name: what a rule reads through a module's functions
    /// is found in their bodies (see [`super::reads`]).
    pub asts: Asts,
    /// Each module's source, by file as shown, for errors raised inside it.
    pub sources: crate::engine::locate::LibSources,
}

/// Library modules' compiled scripts, by module name.
pub type Asts = BTreeMap<String, rhai::AST>;

/// The modules of a pack's `lib/` folder, in `files` (path within the pack, text). A module
/// that does not compile is a diagnostic; the others still load.
pub fn compile(
    files: &[(String, String)],
    display_root: &str,
    sandbox: &Sandbox,
    strip_comments: bool,
    diags: &mut Vec<ToolDiagnostic>,
) -> Library {
    let mut library = Library::default();
    let base = crate::engine::engine(sandbox);
    // Memory the modules keep (their constants and variables), all of them together.
    let mut kept = 0usize;
    for (rel, text) in files {
        let Some(stem) = rel
            .strip_prefix("lib/")
            .and_then(|r| r.strip_suffix(".rhai"))
            .filter(|s| !s.contains('/'))
        else {
            continue;
        };
        let file = format!("{display_root}/{rel}");
        let source = SourceFile::new(file.clone(), text.as_str());
        if !is_module_name(stem) {
            diags.push(
                ToolDiagnostic::new(
                    Code::RuleSyntax,
                    format!("library module name `{stem}` is not a Rhai name"),
                )
                .help("name library files with lower-case letters, digits and underscores, such as `lib/legacy.rhai`")
                .file(file),
            );
            continue;
        }
        let at = |pos: rhai::Position| (pos.line().unwrap_or(1), pos.position().unwrap_or(1));
        let script = if strip_comments {
            super::comments::without_line_comments(text)
        } else {
            std::borrow::Cow::Borrowed(text.as_str())
        };
        let mut ast = match base.compile(&*script) {
            Ok(ast) => ast,
            Err(e) => {
                let (line, column) = at(e.position());
                diags.push(
                    ToolDiagnostic::new(
                        Code::RuleSyntax,
                        format!(
                            "library module does not compile: {}",
                            crate::engine::compile_message(&e, crate::engine::Script::Library)
                        ),
                    )
                    .help("fix the Rhai syntax; a library module defines functions, and cannot import")
                    .label("here")
                    .at_line(&source, line, column),
                );
                continue;
            }
        };
        // Its functions' errors name its file (see `engine::locate`).
        ast.set_source(file.as_str());
        let mut functions: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for f in ast.iter_functions() {
            functions
                .entry(f.name.to_string())
                .or_default()
                .insert(f.params.len());
        }
        match top_level(&ast, &base, sandbox, &mut kept) {
            Ok(module) => {
                library
                    .sources
                    .insert(file.clone(), std::sync::Arc::new(source));
                library.functions.insert(stem.to_string(), functions);
                library
                    .asts
                    .insert(stem.to_string(), ast.clone_functions_only());
                library
                    .modules
                    .push((stem.to_string(), Shared::new(module)));
            }
            Err(e) => {
                let (line, column) = at(e.position());
                diags.push(
                    ToolDiagnostic::new(
                        Code::RuleMetadata,
                        format!("library module's top level failed to run: {}", crate::engine::limit_message(&e)),
                    )
                    .help("a library module should only define functions and constants; its top level runs within the same limits as a rule, and all the modules of a pack together keep at most the memory one rule may hold")
                    .label("here")
                    .at_line(&source, line, column),
                );
            }
        }
    }
    library
}

/// Run a module's top level as one limited section of the sandbox, adding what the module keeps
/// to `kept`: over the sandbox's memory limit, the module is refused.
fn top_level(
    ast: &rhai::AST,
    engine: &rhai::Engine,
    sandbox: &Sandbox,
    kept: &mut usize,
) -> Result<Module, rhai::EvalAltResult> {
    use crate::engine::budget;
    let limit = sandbox.max_memory;
    let already = *kept;
    let (module, grown) = budget::limited(sandbox.budget(), || {
        let before = budget::live();
        let module = Module::eval_ast_as_new(Scope::new(), ast, engine)
            .map_err(|e| *e)
            .and_then(|module| {
                // Checked here, on the sandbox's stack: the module outlives the section.
                for (_, value) in module.iter_var() {
                    drop(crate::engine::leaving(value.clone())?);
                }
                Ok(module)
            });
        (module, budget::grown_since(before))
    })
    .ok_or_else(|| {
        rhai::EvalAltResult::ErrorSystem(
            "no thread with the stack rule code needs could be started".into(),
            "the process is at its limit of threads or address space".into(),
        )
    })?;
    let module = module?;
    *kept = already.saturating_add(grown);
    if budget::counting() && *kept > limit {
        return Err(rhai::EvalAltResult::ErrorTerminated(
            budget::Stop::MEMORY.into(),
            rhai::Position::NONE,
        ));
    }
    Ok(module)
}

fn is_module_name(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
