//! Work spread over the machine's cores.
//!
//! In: a slice of independent items and what to do with each. Out: the results in
//! the items' order. Workers take the next item as they finish one, so uneven items
//! (a huge file beside small ones) still share the cores.

use std::sync::atomic::{AtomicUsize, Ordering};

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
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mine = work();
        // A worker that panicked re-raises here: its items have no result.
        let mut parts: Vec<Vec<(usize, R)>> =
            handles.into_iter().map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect();
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
