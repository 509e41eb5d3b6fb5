//! A vector of per-index facts that copies cheaply and joins fast: rustc's `ChunkedBitSet`
//! is the model.
//!
//! The indexes are cut into chunks of [`CHUNK`] entries. A chunk whose entries are all the
//! default (nothing known) is not stored at all; a stored chunk is shared between copies
//! (`Rc`) until one of them writes into it. So cloning a state costs one pointer per
//! chunk, a write copies one chunk, and joining two states that descend from a common one
//! skips every chunk they still share. A function with N allocation sites and N blocks
//! costs about N states of N / [`CHUNK`] pointers plus the chunks that really differ,
//! instead of N states of N entries.

use std::rc::Rc;

/// Entries per chunk.
pub const CHUNK: usize = 64;

#[derive(Clone, Debug)]
pub struct ChunkedVec<T> {
    chunks: Vec<Option<Rc<[T; CHUNK]>>>,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec { chunks: Vec::new() }
    }
}

impl<T: Clone + Default + PartialEq> ChunkedVec<T> {
    /// The entry at `index`, the default where nothing was written.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks
            .get(index / CHUNK)
            .and_then(Option::as_ref)
            .map(|chunk| &chunk[index % CHUNK])
    }

    /// The entry at `index`, or the default.
    pub fn value(&self, index: usize) -> T {
        self.get(index).cloned().unwrap_or_default()
    }

    /// The entry at `index` for writing: its chunk is created or unshared first.
    pub fn get_mut(&mut self, index: usize) -> &mut T {
        let chunk = index / CHUNK;
        if self.chunks.len() <= chunk {
            self.chunks.resize(chunk + 1, None);
        }
        let slot = self.chunks[chunk]
            .get_or_insert_with(|| Rc::new(std::array::from_fn(|_| T::default())));
        &mut Rc::make_mut(slot)[index % CHUNK]
    }

    pub fn set(&mut self, index: usize, value: T) {
        if value == T::default() && self.get(index).is_none() {
            return;
        }
        *self.get_mut(index) = value;
    }

    /// Every entry that is not the default, with its index, in order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> + '_ {
        let default = T::default();
        self.chunks
            .iter()
            .enumerate()
            .filter_map(|(number, chunk)| chunk.as_ref().map(|chunk| (number, chunk)))
            .flat_map(move |(number, chunk)| {
                let default = default.clone();
                chunk
                    .iter()
                    .enumerate()
                    .filter(move |(_, entry)| **entry != default)
                    .map(move |(offset, entry)| (number * CHUNK + offset, entry))
            })
    }

    /// Every entry that satisfies `wanted` (which the default never does), with its
    /// index, in order. Each chunk is first tested as a whole, without branching per
    /// entry, so a scan for the few entries that matter (the live blocks among thousands
    /// of freed ones) costs little more than one test per chunk.
    pub fn iter_where<'s>(
        &'s self,
        wanted: impl Fn(&T) -> bool + Copy + 's,
    ) -> impl Iterator<Item = (usize, &'s T)> + 's {
        self.iter_where_in(|_| true, wanted)
    }

    /// As [`ChunkedVec::iter_where`], in the chunks (by number, index / [`CHUNK`]) that
    /// `chunk_wanted` lets through only.
    pub fn iter_where_in<'s>(
        &'s self,
        chunk_wanted: impl Fn(usize) -> bool + 's,
        wanted: impl Fn(&T) -> bool + Copy + 's,
    ) -> impl Iterator<Item = (usize, &'s T)> + 's {
        self.chunks
            .iter()
            .enumerate()
            .filter(move |(number, _)| chunk_wanted(*number))
            .filter_map(|(number, chunk)| chunk.as_ref().map(|chunk| (number, chunk)))
            .filter(move |(_, chunk)| chunk.iter().fold(false, |any, entry| any | wanted(entry)))
            .flat_map(move |(number, chunk)| {
                chunk
                    .iter()
                    .enumerate()
                    .filter(move |(_, entry)| wanted(entry))
                    .map(move |(offset, entry)| (number * CHUNK + offset, entry))
            })
    }

    /// Joins `other` into `self` entry by entry with `join` (which says whether it changed
    /// the entry); chunks both still share are skipped. Whether anything changed.
    pub fn join_with(&mut self, other: &Self, mut join: impl FnMut(&mut T, &T) -> bool) -> bool {
        if self.chunks.len() < other.chunks.len() {
            self.chunks.resize(other.chunks.len(), None);
        }
        let mut changed = false;
        for (mine, theirs) in self.chunks.iter_mut().zip(&other.chunks) {
            let Some(theirs) = theirs else { continue };
            match mine {
                Some(chunk) if Rc::ptr_eq(chunk, theirs) => {}
                Some(chunk) => {
                    if **chunk == **theirs {
                        // Equal: share theirs, so later joins with its descendants skip it.
                        *chunk = Rc::clone(theirs);
                        continue;
                    }
                    let mut joined = (**chunk).clone();
                    let mut grew = false;
                    for (a, b) in joined.iter_mut().zip(theirs.iter()) {
                        grew |= join(a, b);
                    }
                    if joined == **theirs {
                        // Theirs held all of it: share theirs instead of a copy.
                        *chunk = Rc::clone(theirs);
                    } else if grew {
                        *chunk = Rc::new(joined);
                    }
                    changed |= grew;
                }
                None => {
                    *mine = Some(Rc::clone(theirs));
                    changed = true;
                }
            }
        }
        changed
    }
}

impl<T: Clone + Default + PartialEq> ChunkedVec<T> {
    /// Joins `other` into `self` entry by entry with `join`, which is told the index and
    /// says whether it changed the entry. Unlike [`ChunkedVec::join_with`], every index
    /// either side holds is visited, a missing chunk reading as defaults on either side,
    /// so a join that may also shrink an entry (an every-path fact) sees them all. Chunks
    /// both share, or that are equal, are skipped: `join` must leave an entry joined with
    /// an equal one unchanged. Whether anything changed.
    pub fn join_indexed(
        &mut self,
        other: &Self,
        mut join: impl FnMut(usize, &mut T, &T) -> bool,
    ) -> bool {
        if self.chunks.len() < other.chunks.len() {
            self.chunks.resize(other.chunks.len(), None);
        }
        let mut changed = false;
        let defaults: [T; CHUNK] = std::array::from_fn(|_| T::default());
        for (number, mine) in self.chunks.iter_mut().enumerate() {
            let theirs = other.chunks.get(number).and_then(Option::as_ref);
            match (mine.as_ref(), theirs) {
                (None, None) => continue,
                (Some(a), Some(b)) if Rc::ptr_eq(a, b) => continue,
                (Some(a), Some(b)) if **a == **b => {
                    *mine = Some(Rc::clone(b));
                    continue;
                }
                _ => {}
            }
            let mut joined = mine
                .as_ref()
                .map_or_else(|| defaults.clone(), |c| (**c).clone());
            let theirs_entries = theirs.map_or(&defaults, |chunk| &**chunk);
            let mut grew = false;
            for (offset, (a, b)) in joined.iter_mut().zip(theirs_entries.iter()).enumerate() {
                grew |= join(number * CHUNK + offset, a, b);
            }
            if grew {
                *mine = if joined == defaults {
                    None
                } else {
                    Some(Rc::new(joined))
                };
                changed = true;
            }
        }
        changed
    }
}

impl<T: Clone + Default + PartialEq> ChunkedVec<T> {
    /// The indexes where one side holds something (not the default) and the other does
    /// not; chunks both share are skipped.
    pub fn one_sided(&self, other: &Self) -> Vec<usize> {
        self.indexes_where(other, |a, b, default| (a != default) != (b != default))
    }

    /// The indexes whose entries differ between `self` and `other`, in order; chunks both
    /// share are skipped, so two states of one run cost what changed between them.
    pub fn differing(&self, other: &Self) -> Vec<usize> {
        self.indexes_where(other, |a, b, _| a != b)
    }

    /// The indexes, in order, whose entries on the two sides satisfy `keep` (given the
    /// default too, which stands for every entry of a missing chunk); a chunk both sides
    /// share is skipped without looking, which is what makes comparing two states of one
    /// run cost what changed between them.
    fn indexes_where(&self, other: &Self, keep: impl Fn(&T, &T, &T) -> bool) -> Vec<usize> {
        let default = T::default();
        let mut found = Vec::new();
        let len = self.chunks.len().max(other.chunks.len());
        for number in 0..len {
            let mine = self.chunks.get(number).and_then(Option::as_ref);
            let theirs = other.chunks.get(number).and_then(Option::as_ref);
            match (mine, theirs) {
                (Some(a), Some(b)) if Rc::ptr_eq(a, b) => {}
                (None, None) => {}
                (a, b) => {
                    for offset in 0..CHUNK {
                        let entry_a = a.map_or(&default, |chunk| &chunk[offset]);
                        let entry_b = b.map_or(&default, |chunk| &chunk[offset]);
                        if keep(entry_a, entry_b, &default) {
                            found.push(number * CHUNK + offset);
                        }
                    }
                }
            }
        }
        found
    }
}

/// The chunks already joined into an accumulating [`ChunkedVec`] (kept alive, so that a
/// pointer is never reused for another chunk while it is remembered).
pub struct JoinedChunks<T> {
    seen: std::collections::HashMap<(usize, *const [T; CHUNK]), Rc<[T; CHUNK]>>,
}

impl<T> Default for JoinedChunks<T> {
    fn default() -> Self {
        JoinedChunks {
            seen: std::collections::HashMap::new(),
        }
    }
}

impl<T> JoinedChunks<T> {
    /// Records a chunk as joined.
    pub fn remember(&mut self, number: usize, chunk: &Rc<[T; CHUNK]>) {
        self.seen
            .insert((number, Rc::as_ptr(chunk)), Rc::clone(chunk));
    }
}

impl<T> ChunkedVec<T> {
    /// The stored chunks, by number.
    pub fn chunks(&self) -> impl Iterator<Item = (usize, &Rc<[T; CHUNK]>)> + '_ {
        self.chunks
            .iter()
            .enumerate()
            .filter_map(|(number, chunk)| chunk.as_ref().map(|chunk| (number, chunk)))
    }
}

impl<T: Clone + Default + PartialEq> ChunkedVec<T> {
    /// As [`ChunkedVec::join_with`] for a vector that accumulates many states of one run
    /// (every way out of a function): a chunk of `other` already joined into `self` is
    /// skipped, as joining it again changes nothing (`join` is idempotent), so each state
    /// costs the chunks it does not share with those joined before.
    pub fn join_unseen(
        &mut self,
        other: &Self,
        joined: &mut JoinedChunks<T>,
        join: impl FnMut(&mut T, &T) -> bool,
    ) -> bool {
        let mut fresh = ChunkedVec {
            chunks: vec![None; other.chunks.len()],
        };
        let mut any = false;
        for (number, chunk) in other.chunks.iter().enumerate() {
            let Some(chunk) = chunk else { continue };
            let key = (number, Rc::as_ptr(chunk));
            if joined.seen.contains_key(&key) {
                continue;
            }
            joined.seen.insert(key, Rc::clone(chunk));
            fresh.chunks[number] = Some(Rc::clone(chunk));
            any = true;
        }
        any && self.join_with(&fresh, join)
    }
}

impl<T: Clone + Default + PartialEq> PartialEq for ChunkedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        let len = self.chunks.len().max(other.chunks.len());
        (0..len).all(|number| {
            let mine = self.chunks.get(number).and_then(Option::as_ref);
            let theirs = other.chunks.get(number).and_then(Option::as_ref);
            match (mine, theirs) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b) || a == b,
                (Some(chunk), None) | (None, Some(chunk)) => {
                    chunk.iter().all(|entry| *entry == T::default())
                }
                (None, None) => true,
            }
        })
    }
}

impl<T: Clone + Default + PartialEq> Eq for ChunkedVec<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_share_chunks_until_written() {
        let mut a: ChunkedVec<u8> = ChunkedVec::default();
        a.set(3, 1);
        a.set(200, 2);
        let mut b = a.clone();
        b.set(4, 5);
        assert_eq!(a.value(4), 0);
        assert_eq!(b.value(4), 5);
        assert_eq!(b.value(200), 2);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![(3, &1), (200, &2)]);
        // An index never written costs nothing and reads as the default.
        assert_eq!(a.value(10_000), 0);
        assert_eq!(a.chunks.len(), 4);
    }

    #[test]
    fn an_indexed_join_sees_entries_only_one_side_holds_and_may_shrink() {
        let mut a: ChunkedVec<u8> = ChunkedVec::default();
        a.set(1, 3);
        let mut b: ChunkedVec<u8> = ChunkedVec::default();
        b.set(1, 1);
        b.set(200, 4);
        // Intersection: what both hold survives; an entry of one side only goes.
        let mut seen = Vec::new();
        let changed = a.join_indexed(&b, |index, x, y| {
            seen.push(index);
            let joined = *x & *y;
            std::mem::replace(x, joined) != joined
        });
        assert!(changed);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![(1, &1)]);
        assert!(seen.contains(&200) && seen.contains(&1));
        // Equal chunks are skipped, and nothing changes.
        let c = a.clone();
        assert!(!a.join_indexed(&c, |_, _, _| true));
    }

    #[test]
    fn differing_lists_what_changed_between_two_copies() {
        let mut a: ChunkedVec<u8> = ChunkedVec::default();
        a.set(5, 1);
        a.set(300, 2);
        let mut b = a.clone();
        assert!(a.differing(&b).is_empty());
        b.set(6, 1);
        b.set(300, 0);
        assert_eq!(a.differing(&b), vec![6, 300]);
    }

    #[test]
    fn joining_unseen_chunks_skips_those_joined_before() {
        let mut first: ChunkedVec<u8> = ChunkedVec::default();
        first.set(1, 1);
        first.set(100, 2);
        let mut second = first.clone();
        second.set(2, 4);
        let union = |x: &mut u8, y: &u8| {
            let joined = *x | *y;
            std::mem::replace(x, joined) != joined
        };
        let mut joined = JoinedChunks::default();
        let mut all: ChunkedVec<u8> = ChunkedVec::default();
        assert!(all.join_unseen(&first, &mut joined, union));
        // The second shares the chunk of 100 with the first: only the chunk of 1 and 2
        // is joined again.
        assert!(all.join_unseen(&second, &mut joined, union));
        assert!(!all.join_unseen(&second, &mut joined, union));
        assert_eq!(
            all.iter().collect::<Vec<_>>(),
            vec![(1, &1), (2, &4), (100, &2)]
        );
    }

    #[test]
    fn join_skips_shared_chunks_and_reports_change() {
        let mut a: ChunkedVec<u8> = ChunkedVec::default();
        a.set(1, 1);
        let mut b = a.clone();
        let union = |x: &mut u8, y: &u8| {
            let joined = *x | *y;
            std::mem::replace(x, joined) != joined
        };
        assert!(!a.join_with(&b, union));
        b.set(1, 2);
        b.set(130, 4);
        assert!(a.join_with(&b, union));
        assert_eq!(a.value(1), 3);
        assert_eq!(a.value(130), 4);
        assert!(!a.join_with(&b, union));
    }
}
