use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: rule evaluation makes and drops millions of small
/// values, and with glibc's allocator a tenth of a large run was spent in `malloc` and `free`
/// (docs/benchmarks.md). The `system-allocator` feature leaves it out, for heap profilers such as
/// heaptrack that see only the system allocator. Either way every thread's live bytes are
/// counted (`engine::budget`): that count is the rule sandbox's memory limit.
#[cfg(not(feature = "system-allocator"))]
#[global_allocator]
static ALLOCATOR: roadmap_lint::CountingAllocator<mimalloc::MiMalloc> =
    roadmap_lint::CountingAllocator(mimalloc::MiMalloc);
#[cfg(feature = "system-allocator")]
#[global_allocator]
static ALLOCATOR: roadmap_lint::CountingAllocator<std::alloc::System> =
    roadmap_lint::CountingAllocator(std::alloc::System);

fn main() -> ExitCode {
    // No transparent huge pages, even where the kernel gives them unasked (`always`): the
    // kernel zeroes each 2 MiB page whole when it is first touched, which cost a tenth of a
    // large run's CPU time and a seventh of its peak memory (docs/benchmarks.md). mimalloc is
    // built not to ask for them (`no_thp`); this covers the allocations it makes from here on
    // on kernels that hand them out anyway. Failing to switch them off changes nothing else.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = roadmap_lint::internal::cli::Cli::parse();
    ExitCode::from(roadmap_lint::internal::cli::run(cli))
}
