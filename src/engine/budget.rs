//! One budget for everything a rule does, from the moment its pack loads to the end of its last
//! evaluation: the same operation count, wall clock, memory and stack, whether the code runs at
//! a rule's or a library module's top level, in `check`, `collect` or `check_all`, in a
//! closure, a curried function pointer or a recursive call.
//!
//! Memory is counted where every allocation goes through: the process's allocator.
//! [`Counting`] wraps the real allocator and keeps, for each thread, the bytes it has allocated
//! and not freed. A limited section ([`limited`]) notes the count when it starts, and Rhai's
//! progress callback, run before every operation, stops the script once the count has grown by
//! more than the section's limit. What the script keeps is counted whatever holds it: strings,
//! arrays and maps, captured variables of closures, values curried into function pointers,
//! module constants, findings. One operation allocates a bounded amount between two checks
//! (Rhai refuses a string, array or map over its size limits after each operation, and `pad`
//! before it allocates).
//!
//! Stack: Rhai bounds the depth of calls (`max_call_levels`) and of expressions, but values can
//! nest as deep as the memory budget allows (a closure capturing a closure capturing ...), and
//! dropping, copying or showing such a value recurses once per level. Every limited section runs
//! on a thread whose stack is [`STACK_BYTES`]: the worker threads of a run are started with it,
//! and a section started on any other thread moves to a new thread of that size for its
//! duration. The size was measured against the deepest values the default limits allow (see
//! `deepest_values_fit_the_stack` in the tests below).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// The stack of every thread that runs rule code. Measured in a debug build (optimised builds
/// use less): showing a value (`to_string`, `debug`, an interpolated string) is the deepest
/// recursion, 1.3 to 2.5 KiB per level; 75,000 levels of nested lists and maps are shown,
/// copied, compared and dropped within this stack, and Rhai's size limits (25,000 items in
/// lists, 25,000 entries in maps, nested ones counted) let a rule nest at most 50,000. Closures
/// nested until the memory limit stops them (about 150,000) recurse only to drop, at about
/// 400 bytes a level. See `deepest_values_fit_the_stack` below.
pub const STACK_BYTES: usize = 128 << 20;

/// A global allocator, `A`, with every thread's live bytes counted: the count is what holds a
/// rule evaluation to its memory limit ([`Options::rule_memory_limit`](crate::Options::rule_memory_limit)).
/// The `roadmap-lint` binary uses it; a program that embeds the linter and wants that limit
/// enforced installs it too (without it, the engine's own limits on operations, call depth,
/// string, list and map sizes still apply):
///
/// ```
/// #[global_allocator]
/// static ALLOCATOR: roadmap_lint::CountingAllocator<std::alloc::System> =
///     roadmap_lint::CountingAllocator(std::alloc::System);
/// # fn main() {}
/// ```
pub struct Counting<A>(pub A);

thread_local! {
    /// Bytes this thread has allocated and not freed (frees of memory another thread allocated
    /// count here too, so it can go below zero).
    static LIVE: Cell<isize> = const { Cell::new(0) };
    /// The limited section running on this thread: (live bytes when it began, most bytes it may
    /// add, wall-clock deadline).
    static SECTION: Cell<Option<Section>> = const { Cell::new(None) };
    /// Whether this thread was started with [`STACK_BYTES`] of stack.
    static LARGE_STACK: Cell<bool> = const { Cell::new(false) };
}

#[derive(Debug, Clone, Copy)]
struct Section {
    start: isize,
    memory: usize,
    deadline: Instant,
}

#[inline]
fn count(bytes: isize) {
    // `try_with`: an allocation while the thread's locals are being torn down is not counted.
    let _ = LIVE.try_with(|live| live.set(live.get().wrapping_add(bytes)));
}

fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

// SAFETY: every method hands its arguments unchanged to the wrapped allocator and returns what
// it returned; the counting around it only adds to a thread-local integer, which neither
// allocates nor unwinds.
#[allow(unsafe_code)]
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counting<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.0.alloc(layout) };
        if !p.is_null() {
            count(signed(layout.size()));
        }
        p
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.0.alloc_zeroed(layout) };
        if !p.is_null() {
            count(signed(layout.size()));
        }
        p
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { self.0.dealloc(ptr, layout) };
        count(-signed(layout.size()));
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(signed(new_size).wrapping_sub(signed(layout.size())));
        }
        p
    }
}

/// This thread's live bytes.
pub fn live() -> isize {
    LIVE.with(Cell::get)
}

/// Whether the process's allocator is [`Counting`] (an embedding program may install another;
/// memory is then bounded only by Rhai's size limits and the document-map budget).
pub fn counting() -> bool {
    static COUNTING: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *COUNTING.get_or_init(|| {
        let before = live();
        let probe = std::hint::black_box(Box::new([0u64; 4]));
        let after = live();
        drop(probe);
        after != before
    })
}

/// Why a limited section must stop now, if it must: checked before every operation.
pub fn exceeded(check_clock: bool) -> Option<Stop> {
    let section = SECTION.with(Cell::get)?;
    let used = live().saturating_sub(section.start);
    if used > signed(section.memory) {
        return Some(Stop::Memory);
    }
    (check_clock && Instant::now() > section.deadline).then_some(Stop::Time)
}

/// What stopped a section, as the token Rhai's termination error carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Time,
    Memory,
}

impl Stop {
    pub const TIME: &'static str = "time limit";
    pub const MEMORY: &'static str = "memory limit";

    pub fn token(self) -> &'static str {
        match self {
            Stop::Time => Self::TIME,
            Stop::Memory => Self::MEMORY,
        }
    }
}

/// The bytes a limited section may add, and for how long it may run.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub memory: usize,
    pub time: Duration,
}

/// Run `work` as one limited section: on a thread with [`STACK_BYTES`] of stack, with the
/// clock and the memory count started now. A section inside a section (a library module's
/// function called while a rule runs) is part of the outer one. `None` when no thread with
/// that stack could be started (the process is at its limit of threads or address space):
/// the work is not run on a stack too small for it.
pub fn limited<R: Send>(budget: Budget, work: impl FnOnce() -> R + Send) -> Option<R> {
    on_large_stack(move || {
        let outer = SECTION.with(Cell::get);
        if outer.is_some() {
            return work();
        }
        SECTION.with(|s| {
            s.set(Some(Section {
                start: live(),
                memory: budget.memory,
                deadline: Instant::now() + budget.time,
            }));
        });
        let result = work();
        SECTION.with(|s| s.set(None));
        result
    })
}

/// Bytes this thread holds beyond what it held at `since` (a value of [`live`]).
pub fn grown_since(since: isize) -> usize {
    usize::try_from(live().saturating_sub(since)).unwrap_or(0)
}

/// Mark the current thread as started with [`STACK_BYTES`] of stack (for thread pools'
/// start handlers).
pub fn mark_large_stack() {
    LARGE_STACK.with(|l| l.set(true));
}

/// Run `work` on this thread if it has [`STACK_BYTES`] of stack, else on a new thread that
/// has; `None` if no such thread can be started.
pub fn on_large_stack<R: Send>(work: impl FnOnce() -> R + Send) -> Option<R> {
    if LARGE_STACK.with(Cell::get) {
        return Some(work());
    }
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("rule".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(scope, || {
                mark_large_stack();
                work()
            })
            .ok()?;
        match handle.join() {
            Ok(result) => Some(result),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// How many worker threads of [`STACK_BYTES`] the process may start: all such stacks, the
/// command's own thread's included, take at most a quarter of its address-space limit
/// (`ulimit -v`), when it has one; at least one.
pub fn threads_that_fit() -> usize {
    #[cfg(target_os = "linux")]
    {
        let limit = rustix::process::getrlimit(rustix::process::Resource::As);
        if let Some(bytes) = limit.current {
            let stacks = usize::try_from(bytes / 4).unwrap_or(usize::MAX);
            return (stacks / STACK_BYTES).saturating_sub(1).max(1);
        }
    }
    usize::MAX
}

#[cfg(test)]
mod tests {
    use rhai::{Array, Dynamic, Map};

    use super::*;
    use crate::engine::{Sandbox, engine};

    /// Nested values as deep as the default limits allow, built in Rust (Rhai re-measures a
    /// nested list after every step, so a script takes minutes to build one this deep): Rhai
    /// counts every item of nested lists against its list limit and every entry of nested maps
    /// against its map limit, so lists alternating with maps nest at most as deep as the two
    /// limits together.
    fn nested(lists: usize, maps: usize) -> Dynamic {
        let mut value = Dynamic::UNIT;
        for i in 0..lists.max(maps) * 2 {
            if i % 2 == 0 && i / 2 < maps {
                let mut m = Map::new();
                m.insert("x".into(), value);
                value = Dynamic::from_map(m);
            } else if i % 2 == 1 && i / 2 < lists {
                let a: Array = vec![value];
                value = Dynamic::from_array(a);
            }
        }
        value
    }

    /// The measurement behind [`STACK_BYTES`]: on a thread of that size, the deepest value the
    /// default limits allow is shown and dropped by Rhai (showing is the deepest recursion),
    /// and closures nested until the memory limit stops them are dropped, without overflowing.
    #[test]
    fn deepest_values_fit_the_stack() {
        let sandbox = Sandbox::default();
        let engine = engine(&sandbox);
        let (lists, maps) = (sandbox.max_array_size, sandbox.max_map_size);
        // Lists alternating with maps: the deepest nesting the limits allow. (Showing a value
        // is slow as well as deep: this takes about half a minute in a debug build.)
        {
            let outcome = limited(sandbox.budget(), || {
                let mut scope = rhai::Scope::new();
                scope.push("v", nested(lists, maps));
                engine
                    .eval_with_scope::<Dynamic>(&mut scope, "let s = v.to_string(); s.len()")
                    .map(|len| len.as_int().unwrap_or(0))
                    .map_err(|e| e.to_string())
            });
            let len = outcome.expect("a thread starts").expect("runs");
            assert!(
                len >= 2 * (lists + maps) as i64,
                "{lists} lists, {maps} maps: {len}"
            );
        }
        if counting() {
            let outcome = limited(sandbox.budget(), || {
                let started = Instant::now();
                let result = engine.eval::<Dynamic>("let f = 1; loop { let g = f; f = || g; }");
                (result.map_err(|e| *e), started.elapsed())
            });
            let (result, took) = outcome.expect("a thread starts");
            match result {
                Err(rhai::EvalAltResult::ErrorTerminated(token, _)) => {
                    assert_eq!(token.to_string(), Stop::MEMORY, "after {took:?}");
                }
                other => panic!("{other:?}"),
            }
        }
    }
}
