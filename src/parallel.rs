//! Work spread over the machine's cores.
//!
//! In: a slice of independent items and what to do with each. Out: the results in
//! the items' order. Workers take the next item as they finish one, so uneven items
//! (a huge file beside small ones) still share the cores.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The stack of every thread that parses or evaluates Terraform. Terraform has no
/// limit on how deep expressions nest or how long a chain of locals is, and both
/// are read by recursion here; the memory is reserved, not used, until a deep
/// input needs it.
pub const STACK_SIZE: usize = 1 << 30;

/// Runs `f` on a thread of its own with a [`STACK_SIZE`] stack.
pub fn with_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|scope| join(spawn(scope, f)))
}

/// Spawns a scoped thread with a [`STACK_SIZE`] stack.
pub fn spawn<'s, 'e, R: Send + 's>(
    scope: &'s std::thread::Scope<'s, 'e>,
    f: impl FnOnce() -> R + Send + 's,
) -> std::thread::ScopedJoinHandle<'s, R> {
    std::thread::Builder::new()
        .stack_size(STACK_SIZE)
        .spawn_scoped(scope, f)
        // Only fails when the OS has no thread to give: nothing to report but that.
        .unwrap_or_else(|e| panic!("cannot start a thread: {e}"))
}

/// The result of a scoped thread; its panic, re-raised here.
pub fn join<R>(handle: std::thread::ScopedJoinHandle<'_, R>) -> R {
    handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// `f` on every item, on all cores; `done(n)` is called as the `n`th result is ready.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync, done: impl Fn(usize) + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, usize::from).min(items.len()).max(1);
    if workers == 1 {
        return items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let r = f(item);
                done(i + 1);
                r
            })
            .collect();
    }
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            out.push((i, f(item)));
            done(finished.fetch_add(1, Ordering::Relaxed) + 1);
        }
        out
    };
    let mut parts: Vec<Vec<(usize, R)>> = std::thread::scope(|scope| {
        // The calling thread is one of the workers: one thread fewer to start, and
        // its allocator heap, already warm, serves its share.
        let handles: Vec<_> = (1..workers).map(|_| spawn(scope, work)).collect();
        let mine = work();
        // A worker that panicked re-raises here: its items have no result.
        let mut parts: Vec<Vec<(usize, R)>> = handles.into_iter().map(join).collect();
        parts.push(mine);
        parts
    });
    let mut all: Vec<(usize, R)> = parts.drain(..).flatten().collect();
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        let done = std::sync::atomic::AtomicUsize::new(0);
        let out = super::map(
            &items,
            |x| x * 2,
            |_| {
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            },
        );
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        assert_eq!(done.into_inner(), 1000);
    }
}
