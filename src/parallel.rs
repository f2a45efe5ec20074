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
    map_indices(items.len(), |i| f(&items[i]), done)
}

/// `f` on every index below `len`, on all cores, the results in index order;
/// `done(n)` is called as the `n`th result is ready.
///
/// Workers take the next chunk of indices as they finish one. Each chunk's
/// results are a list of their own, moved into the result in order once all are
/// done: the results are held about once, never with an index beside each.
pub fn map_indices<R: Send>(len: usize, f: impl Fn(usize) -> R + Sync, done: impl Fn(usize) + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, usize::from).min(len).max(1);
    if workers == 1 {
        return (0..len)
            .map(|i| {
                let r = f(i);
                done(i + 1);
                r
            })
            .collect();
    }
    // Small enough that uneven items still share the cores, large enough that
    // the chunks' own lists cost nothing.
    let chunk = (len / (workers * 64)).clamp(1, 4096);
    let chunks = len.div_ceil(chunk);
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let work = || {
        let mut out: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let c = next.fetch_add(1, Ordering::Relaxed);
            if c >= chunks {
                break;
            }
            let results = (c * chunk..((c + 1) * chunk).min(len))
                .map(|i| {
                    let r = f(i);
                    done(finished.fetch_add(1, Ordering::Relaxed) + 1);
                    r
                })
                .collect();
            out.push((c, results));
        }
        out
    };
    let parts: Vec<Vec<(usize, Vec<R>)>> = std::thread::scope(|scope| {
        // The calling thread is one of the workers: one thread fewer to start, and
        // its allocator heap, already warm, serves its share.
        let handles: Vec<_> = (1..workers).map(|_| spawn(scope, work)).collect();
        let mine = work();
        // A worker that panicked re-raises here: its items have no result.
        let mut parts: Vec<_> = handles.into_iter().map(join).collect();
        parts.push(mine);
        parts
    });
    let mut ordered: Vec<Option<Vec<R>>> = (0..chunks).map(|_| None).collect();
    for (c, results) in parts.into_iter().flatten() {
        ordered[c] = Some(results);
    }
    let mut all = Vec::with_capacity(len);
    for results in ordered.into_iter().flatten() {
        all.extend(results);
    }
    all
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
        for len in [0, 1, 2, 3, 100, 4097, 70_000] {
            let out = super::map_indices(len, |i| i * 3, |_| {});
            assert_eq!(out, (0..len).map(|i| i * 3).collect::<Vec<_>>(), "{len}");
        }
    }
}
