//! Which functions a computation read, for the language server: an edit inside one
//! function's body changes only what read that function's definition, so a verdict whose
//! reads leave it out may be kept.
//!
//! Every read of a function's definition goes through [`WorkspaceIndex::fn_def`], which
//! notes it here while a recording is open on the thread. Recordings nest: what an inner
//! one read is also the outer one's. A name or an owner looked up alone
//! ([`WorkspaceIndex::fn_name`]) is not a read: an edit that keeps the index in place keeps
//! them. A scan of the whole workspace's calls or struct literals reads only what they name
//! ([`WorkspaceIndex::fn_calls`], [`WorkspaceIndex::fn_struct_literals`]), and the whole
//! definition of a function whose call or literal it takes.

use std::cell::{Cell, RefCell};

use super::FnId;

/// What was read of a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Read {
    /// Anything of its definition.
    Definition(FnId),
    /// What its body's calls name and mention, no more.
    Calls(FnId),
    /// The paths of its body's struct literals and the names of their fields, no more.
    StructLiterals(FnId),
    /// A line of the function's file, written as a number in a sentence ("opened at line
    /// 19"): a verdict moved with its lines must be judged again when the line moves, as
    /// its words do not move. Noted by [`line_in_words`].
    LineInWords { function: FnId, line: u32 },
}

impl Read {
    /// The function read.
    pub fn function(self) -> FnId {
        match self {
            Read::Definition(function)
            | Read::Calls(function)
            | Read::StructLiterals(function)
            | Read::LineInWords { function, .. } => function,
        }
    }
}

/// `line` of `function`'s file, to be written in a sentence: noted for the open recording,
/// if any ([`Read::LineInWords`]). Every line a sentence cites is written through this.
pub fn line_in_words(function: FnId, line: u32) -> u32 {
    note_read(Read::LineInWords { function, line });
    line
}

/// Notes kept before the list is sorted and its repeats dropped: a handler's path reads
/// the same few definitions again and again.
const COMPACT_AT: usize = 1 << 14;

/// One open recording.
#[derive(Default)]
struct Recording {
    reads: Vec<Read>,
    /// The functions whose facts' reads were added ([`note_facts_reads`]).
    facts_noted: std::collections::HashSet<FnId>,
}

thread_local! {
    /// The open recordings, innermost last.
    static RECORDINGS: RefCell<Vec<Recording>> = const { RefCell::new(Vec::new()) };
    /// How many are open: what `fn_def` checks, so that a run that records nothing pays a
    /// thread-local load per read and no more.
    static OPEN: Cell<usize> = const { Cell::new(0) };
}

/// Runs `work`, and returns what it returned with everything it read of functions, sorted,
/// each once.
pub fn recording_reads<R>(work: impl FnOnce() -> R) -> (R, Vec<Read>) {
    /// Closes the recording when `work` panics (the language server goes on); the
    /// computations of the outer recordings are thrown away with it.
    struct Open;
    impl Drop for Open {
        fn drop(&mut self) {
            close();
        }
    }
    RECORDINGS.with(|recordings| recordings.borrow_mut().push(Recording::default()));
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

fn close() -> Vec<Read> {
    OPEN.with(|open| open.set(open.get().saturating_sub(1)));
    RECORDINGS
        .with(|recordings| recordings.borrow_mut().pop())
        .map(|recording| recording.reads)
        .unwrap_or_default()
}

/// Adds `reads` to the open recording, if any: what a result computed earlier read, when
/// it is used again (a function's facts held between handlers).
pub fn note_reads(reads: &[Read]) {
    if OPEN.with(Cell::get) == 0 || reads.is_empty() {
        return;
    }
    RECORDINGS.with(|recordings| {
        if let Some(top) = recordings.borrow_mut().last_mut() {
            top.reads.extend_from_slice(reads);
            compact(&mut top.reads);
        }
    });
}

/// Adds to the open recording, if any, what the facts of `function`, computed earlier,
/// read (`reads`): once per recording, however often they are used in it.
pub fn note_facts_reads(function: FnId, reads: &[Read]) {
    if OPEN.with(Cell::get) == 0 || reads.is_empty() {
        return;
    }
    RECORDINGS.with(|recordings| {
        if let Some(top) = recordings.borrow_mut().last_mut() {
            if top.facts_noted.insert(function) {
                top.reads.extend_from_slice(reads);
                compact(&mut top.reads);
            }
        }
    });
}

/// Notes one read.
#[inline]
pub(super) fn note_read(read: Read) {
    if OPEN.with(Cell::get) == 0 {
        return;
    }
    RECORDINGS.with(|recordings| {
        // A read made while the list is borrowed cannot happen (nothing here reads the
        // index); `try_` keeps it from being a panic if it ever did.
        if let Ok(mut recordings) = recordings.try_borrow_mut() {
            if let Some(top) = recordings.last_mut() {
                if top.reads.last() != Some(&read) {
                    top.reads.push(read);
                    compact(&mut top.reads);
                }
            }
        }
    });
}

/// Drops the repeats of a long list when it is full: a list that stays long after that
/// grows (doubling) before it is sorted again.
fn compact(reads: &mut Vec<Read>) {
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
        let definition = |id| Read::Definition(FnId(id));
        let ((), outer) = recording_reads(|| {
            note_read(definition(3));
            let ((), inner) = recording_reads(|| {
                note_read(definition(7));
                note_read(definition(7));
                note_read(Read::Calls(FnId(1)));
            });
            assert_eq!(inner, vec![definition(7), Read::Calls(FnId(1))]);
            note_reads(&[definition(9)]);
        });
        assert_eq!(
            outer,
            vec![
                definition(3),
                definition(7),
                definition(9),
                Read::Calls(FnId(1))
            ]
        );
        // Nothing is noted with no recording open.
        note_read(definition(5));
        let ((), none) = recording_reads(|| ());
        assert!(none.is_empty());
    }
}
