//! Which functions a computation read, for the language server: an edit inside one
//! function's body changes only what read that function's definition, so a verdict whose
//! reads leave it out may be kept.
//!
//! Every read of a function's definition goes through [`WorkspaceIndex::fn_def`], which
//! notes it here while a recording is open on the thread. Recordings nest: what an inner
//! one read is also the outer one's. A name looked up alone ([`WorkspaceIndex::fn_name`])
//! is not a read: an edit that keeps the index in place keeps every name.

use std::cell::{Cell, RefCell};

use super::FnId;

/// Notes kept before the list is sorted and its repeats dropped: a handler's path reads
/// the same few definitions again and again.
const COMPACT_AT: usize = 1 << 14;

thread_local! {
    /// The open recordings, innermost last.
    static RECORDINGS: RefCell<Vec<Vec<FnId>>> = const { RefCell::new(Vec::new()) };
    /// How many are open: what `fn_def` checks, so that a run that records nothing pays a
    /// thread-local load per read and no more.
    static OPEN: Cell<usize> = const { Cell::new(0) };
}

/// Runs `work`, and returns what it returned with every function whose definition it read,
/// sorted, each once.
pub fn recording_reads<R>(work: impl FnOnce() -> R) -> (R, Vec<FnId>) {
    /// Closes the recording when `work` panics (the language server goes on); the
    /// computations of the outer recordings are thrown away with it.
    struct Open;
    impl Drop for Open {
        fn drop(&mut self) {
            close();
        }
    }
    RECORDINGS.with(|recordings| recordings.borrow_mut().push(Vec::new()));
    OPEN.with(|open| open.set(open.get() + 1));
    let open = Open;
    let result = work();
    std::mem::forget(open);
    let mut reads = close();
    reads.sort_unstable();
    reads.dedup();
    note_reads(&reads);
    (result, reads)
}

fn close() -> Vec<FnId> {
    OPEN.with(|open| open.set(open.get().saturating_sub(1)));
    RECORDINGS
        .with(|recordings| recordings.borrow_mut().pop())
        .unwrap_or_default()
}

/// Adds `reads` to the open recording, if any: what a result computed earlier read, when
/// it is used again (a function's facts held between handlers).
pub fn note_reads(reads: &[FnId]) {
    if OPEN.with(Cell::get) == 0 || reads.is_empty() {
        return;
    }
    RECORDINGS.with(|recordings| {
        if let Some(top) = recordings.borrow_mut().last_mut() {
            top.extend_from_slice(reads);
            compact(top);
        }
    });
}

/// Notes one read of `function`'s definition.
#[inline]
pub(super) fn note_read(function: FnId) {
    if OPEN.with(Cell::get) == 0 {
        return;
    }
    RECORDINGS.with(|recordings| {
        // A read made while the list is borrowed cannot happen (nothing here reads the
        // index); `try_` keeps it from being a panic if it ever did.
        if let Ok(mut recordings) = recordings.try_borrow_mut() {
            if let Some(top) = recordings.last_mut() {
                if top.last() != Some(&function) {
                    top.push(function);
                    compact(top);
                }
            }
        }
    });
}

/// Drops the repeats of a long list when it is full: a list that stays long after that
/// grows (doubling) before it is sorted again.
fn compact(reads: &mut Vec<FnId>) {
    if reads.len() >= COMPACT_AT && reads.len() == reads.capacity() {
        reads.sort_unstable();
        reads.dedup();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_nest_and_the_outer_one_holds_the_inner_reads() {
        let ((), outer) = recording_reads(|| {
            note_read(FnId(3));
            let ((), inner) = recording_reads(|| {
                note_read(FnId(7));
                note_read(FnId(7));
                note_read(FnId(1));
            });
            assert_eq!(inner, vec![FnId(1), FnId(7)]);
            note_reads(&[FnId(9)]);
        });
        assert_eq!(outer, vec![FnId(1), FnId(3), FnId(7), FnId(9)]);
        // Nothing is noted with no recording open.
        note_read(FnId(5));
        let ((), none) = recording_reads(|| ());
        assert!(none.is_empty());
    }
}
