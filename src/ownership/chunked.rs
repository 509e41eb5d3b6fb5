//! A vector of per-index facts that copies cheaply and joins fast: rustc's `ChunkedBitSet`
//! is the model, with a second level of sharing on top.
//!
//! The indexes are cut into chunks of [`CHUNK`] entries, and the chunks into pages of
//! [`PAGE`] chunks. A chunk whose entries are all the default (nothing known) is not
//! stored at all, nor a page without chunks; a stored chunk or page is shared between
//! copies (`Rc`) until one of them writes into it. So cloning a state costs one pointer
//! per page (N / 1,024 for N entries: a function with N places copies its state at every
//! branch and way out, which one pointer per chunk of 64 made N² / 64 pointers in all), a
//! write into a shared page copies its chunk pointers and the one chunk written, and
//! joining or comparing two states that descend from a common one skips every page and
//! chunk they still share.

use std::collections::hash_map::{Entry, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// Entries per chunk.
pub const CHUNK: usize = 32;

/// Chunks per page: a copy costs one pointer per page, a write into a shared page one
/// per chunk of it, and a write into a shared chunk a copy of its entries. With 64-entry
/// chunks in pages of 16, the states at join points of the functions of `benches/scale.rs`
/// held 20 MB more at N = 8,000 (most of it chunk copies) for no less time.
pub const PAGE: usize = 32;

type Chunk<T> = [T; CHUNK];

/// A page of chunk pointers; `None` where the chunk holds only defaults.
#[derive(Debug)]
struct Page<T> {
    chunks: [Option<Rc<Chunk<T>>>; PAGE],
}

impl<T> Clone for Page<T> {
    fn clone(&self) -> Self {
        Page {
            chunks: self.chunks.clone(),
        }
    }
}

impl<T> Page<T> {
    fn empty() -> Self {
        Page {
            chunks: std::array::from_fn(|_| None),
        }
    }

    fn is_empty(&self) -> bool {
        self.chunks.iter().all(Option::is_none)
    }

    /// Whether every chunk is the very one of `other` (or both are missing).
    fn same_chunks(&self, other: &Self) -> bool {
        self.chunks
            .iter()
            .zip(&other.chunks)
            .all(|(a, b)| match (a, b) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            })
    }
}

#[derive(Clone, Debug)]
pub struct ChunkedVec<T> {
    pages: Vec<Option<Rc<Page<T>>>>,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec { pages: Vec::new() }
    }
}

impl<T> ChunkedVec<T> {
    fn page(&self, number: usize) -> Option<&Rc<Page<T>>> {
        self.pages.get(number).and_then(Option::as_ref)
    }

    /// The stored chunk of that number (index / [`CHUNK`]).
    fn chunk(&self, number: usize) -> Option<&Rc<Chunk<T>>> {
        self.page(number / PAGE)
            .and_then(|page| page.chunks[number % PAGE].as_ref())
    }

    /// The stored chunks, by number, in order.
    fn chunks(&self) -> impl Iterator<Item = (usize, &Rc<Chunk<T>>)> + '_ {
        self.pages
            .iter()
            .enumerate()
            .filter_map(|(number, page)| page.as_ref().map(|page| (number, page)))
            .flat_map(|(page_number, page)| {
                page.chunks
                    .iter()
                    .enumerate()
                    .filter_map(move |(slot, chunk)| {
                        chunk
                            .as_ref()
                            .map(|chunk| (page_number * PAGE + slot, chunk))
                    })
            })
    }
}

impl<T: Clone> ChunkedVec<T> {
    /// The slot of a chunk for writing: its page is created or unshared first (not the
    /// chunk).
    fn chunk_slot_mut(&mut self, number: usize) -> &mut Option<Rc<Chunk<T>>> {
        let page_number = number / PAGE;
        if self.pages.len() <= page_number {
            self.pages.resize(page_number + 1, None);
        }
        let page = self.pages[page_number].get_or_insert_with(|| Rc::new(Page::empty()));
        &mut Rc::make_mut(page).chunks[number % PAGE]
    }

    /// Drops the page of that number if it holds no chunk any more.
    fn drop_page_if_empty(&mut self, page_number: usize) {
        if let Some(slot) = self.pages.get_mut(page_number) {
            if slot.as_ref().is_some_and(|page| page.is_empty()) {
                *slot = None;
            }
        }
    }

    /// Shares the page of `other` where every chunk of ours is already its chunk, so that
    /// later joins and comparisons with its descendants skip the whole page.
    fn share_page_if_same(&mut self, other: &Self, page_number: usize) {
        let Some(theirs) = other.page(page_number) else {
            return;
        };
        if let Some(slot) = self.pages.get_mut(page_number) {
            if let Some(mine) = slot {
                if !Rc::ptr_eq(mine, theirs) && mine.same_chunks(theirs) {
                    *slot = Some(Rc::clone(theirs));
                }
            }
        }
    }
}

impl<T: Clone + Default + PartialEq> ChunkedVec<T> {
    /// The entry at `index`, the default where nothing was written.
    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunk(index / CHUNK).map(|chunk| &chunk[index % CHUNK])
    }

    /// The entry at `index`, or the default.
    pub fn value(&self, index: usize) -> T {
        self.get(index).cloned().unwrap_or_default()
    }

    /// The entry at `index` for writing: its page and chunk are created or unshared
    /// first.
    pub fn get_mut(&mut self, index: usize) -> &mut T {
        let slot = self
            .chunk_slot_mut(index / CHUNK)
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
        self.chunks().flat_map(move |(number, chunk)| {
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
        self.chunks()
            .filter(move |(number, _)| chunk_wanted(*number))
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
    /// the entry); pages and chunks both still share are skipped. Whether anything
    /// changed.
    pub fn join_with(&mut self, other: &Self, mut join: impl FnMut(&mut T, &T) -> bool) -> bool {
        if self.pages.len() < other.pages.len() {
            self.pages.resize(other.pages.len(), None);
        }
        let mut changed = false;
        for page_number in 0..other.pages.len() {
            let Some(their_page) = other.page(page_number) else {
                continue;
            };
            let Some(my_page) = self.page(page_number) else {
                // Nothing of ours there: theirs, shared whole.
                changed |= !their_page.is_empty();
                self.pages[page_number] = Some(Rc::clone(their_page));
                continue;
            };
            if Rc::ptr_eq(my_page, their_page) {
                continue;
            }
            for slot in 0..PAGE {
                if let Some(theirs) = &their_page.chunks[slot] {
                    changed |= self.join_chunk(page_number * PAGE + slot, theirs, &mut join);
                }
            }
            self.share_page_if_same(other, page_number);
        }
        changed
    }

    /// Joins one chunk of another vector into ours, of that number; whether anything
    /// changed. A chunk equal to theirs becomes theirs, so that later joins with its
    /// descendants skip it; one no other vector holds (nor its page) is joined in place,
    /// so that a vector accumulating many states (every way out of a function) does not
    /// copy its growing entries at each.
    fn join_chunk(
        &mut self,
        number: usize,
        theirs: &Rc<Chunk<T>>,
        join: &mut impl FnMut(&mut T, &T) -> bool,
    ) -> bool {
        let (changed, replacement) = match self.chunk(number) {
            Some(chunk) if Rc::ptr_eq(chunk, theirs) => return false,
            Some(chunk) if **chunk == **theirs => (false, Rc::clone(theirs)),
            Some(chunk) if Rc::strong_count(chunk) == 1 && self.page_is_own(number / PAGE) => {
                let slot = self.chunk_slot_mut(number);
                let entries = Rc::get_mut(slot.as_mut().expect("the chunk is stored"))
                    .expect("no other vector holds the chunk");
                let mut grew = false;
                for (a, b) in entries.iter_mut().zip(theirs.iter()) {
                    grew |= join(a, b);
                }
                if grew && *entries == **theirs {
                    *slot = Some(Rc::clone(theirs));
                }
                return grew;
            }
            Some(chunk) => {
                let mut joined = (**chunk).clone();
                let mut grew = false;
                for (a, b) in joined.iter_mut().zip(theirs.iter()) {
                    grew |= join(a, b);
                }
                if joined == **theirs {
                    // Theirs held all of it: share theirs instead of a copy.
                    (grew, Rc::clone(theirs))
                } else if grew {
                    (true, Rc::new(joined))
                } else {
                    return false;
                }
            }
            None => (true, Rc::clone(theirs)),
        };
        *self.chunk_slot_mut(number) = Some(replacement);
        changed
    }

    /// Whether the page of that number is stored and held by this vector alone.
    fn page_is_own(&self, page_number: usize) -> bool {
        self.page(page_number)
            .is_some_and(|page| Rc::strong_count(page) == 1)
    }

    /// Joins `other` into `self` entry by entry with `join`, which is told the index and
    /// says whether it changed the entry. Unlike [`ChunkedVec::join_with`], every index
    /// either side holds is visited, a missing chunk reading as defaults on either side,
    /// so a join that may also shrink an entry (an every-path fact) sees them all. Pages
    /// and chunks both share, or chunks that are equal, are skipped: `join` must leave an
    /// entry joined with an equal one unchanged. Whether anything changed.
    pub fn join_indexed(
        &mut self,
        other: &Self,
        mut join: impl FnMut(usize, &mut T, &T) -> bool,
    ) -> bool {
        if self.pages.len() < other.pages.len() {
            self.pages.resize(other.pages.len(), None);
        }
        let mut changed = false;
        let defaults: Chunk<T> = std::array::from_fn(|_| T::default());
        for page_number in 0..self.pages.len() {
            match (self.page(page_number), other.page(page_number)) {
                (None, None) => continue,
                (Some(a), Some(b)) if Rc::ptr_eq(a, b) => continue,
                _ => {}
            }
            for slot in 0..PAGE {
                let number = page_number * PAGE + slot;
                let mine = self.chunk(number);
                let theirs = other.chunk(number);
                match (mine, theirs) {
                    (None, None) => continue,
                    (Some(a), Some(b)) if Rc::ptr_eq(a, b) => continue,
                    (Some(a), Some(b)) if **a == **b => {
                        let shared = Rc::clone(b);
                        *self.chunk_slot_mut(number) = Some(shared);
                        continue;
                    }
                    _ => {}
                }
                let mut joined = mine.map_or_else(|| defaults.clone(), |c| (**c).clone());
                let theirs_entries = theirs.map_or(&defaults, |chunk| &**chunk);
                let mut grew = false;
                for (offset, (a, b)) in joined.iter_mut().zip(theirs_entries.iter()).enumerate() {
                    grew |= join(number * CHUNK + offset, a, b);
                }
                if grew {
                    *self.chunk_slot_mut(number) = if joined == defaults {
                        None
                    } else {
                        Some(Rc::new(joined))
                    };
                    changed = true;
                }
            }
            self.drop_page_if_empty(page_number);
            self.share_page_if_same(other, page_number);
        }
        changed
    }

    /// The indexes where one side holds something (not the default) and the other does
    /// not; pages and chunks both share are skipped.
    pub fn one_sided(&self, other: &Self) -> Vec<usize> {
        self.indexes_where(other, |a, b, default| (a != default) != (b != default))
    }

    /// The indexes whose entries differ between `self` and `other`, in order; pages and
    /// chunks both share are skipped, so two states of one run cost what changed between
    /// them.
    pub fn differing(&self, other: &Self) -> Vec<usize> {
        self.indexes_where(other, |a, b, _| a != b)
    }

    /// The indexes, in order, whose entries on the two sides satisfy `keep` (given the
    /// default too, which stands for every entry of a missing chunk); a page or chunk
    /// both sides share is skipped without looking, which is what makes comparing two
    /// states of one run cost what changed between them.
    fn indexes_where(&self, other: &Self, keep: impl Fn(&T, &T, &T) -> bool) -> Vec<usize> {
        let default = T::default();
        let mut found = Vec::new();
        let pages = self.pages.len().max(other.pages.len());
        for page_number in 0..pages {
            match (self.page(page_number), other.page(page_number)) {
                (None, None) => continue,
                (Some(a), Some(b)) if Rc::ptr_eq(a, b) => continue,
                _ => {}
            }
            for number in page_number * PAGE..(page_number + 1) * PAGE {
                match (self.chunk(number), other.chunk(number)) {
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
        }
        found
    }
}

/// The pages and chunks already joined into an accumulating [`ChunkedVec`] (kept alive,
/// so that a pointer is never reused for another page or chunk while it is remembered).
pub struct JoinedChunks<T> {
    pages: HashMap<(usize, *const Page<T>), Rc<Page<T>>, BuildPointerHasher>,
    chunks: HashMap<(usize, *const Chunk<T>), Rc<Chunk<T>>, BuildPointerHasher>,
}

/// Hashes the (number, pointer) keys of [`JoinedChunks`]: a large function's ways out
/// ask it once per page of each state and once per chunk of each page not seen before,
/// where SipHash's resistance to chosen keys buys nothing (the keys are our own
/// addresses) and costs most of that lookup.
#[derive(Default)]
struct PointerHasher(u64);

impl Hasher for PointerHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_usize(byte as usize);
        }
    }

    fn write_usize(&mut self, word: usize) {
        // Multiply-rotate mixing (as in rustc's FxHasher): every bit of the word reaches
        // the high bits the table probes by.
        self.0 = (self.0.rotate_left(5) ^ word as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type BuildPointerHasher = BuildHasherDefault<PointerHasher>;

impl<T> Default for JoinedChunks<T> {
    fn default() -> Self {
        JoinedChunks {
            pages: HashMap::default(),
            chunks: HashMap::default(),
        }
    }
}

impl<T> JoinedChunks<T> {
    /// Records every page and chunk of `vector` as joined.
    pub fn remember_all(&mut self, vector: &ChunkedVec<T>) {
        for (number, page) in vector.pages.iter().enumerate() {
            let Some(page) = page else { continue };
            self.remember_page(number, page);
            for (slot, chunk) in page.chunks.iter().enumerate() {
                if let Some(chunk) = chunk {
                    self.remember_chunk(number * PAGE + slot, chunk);
                }
            }
        }
    }

    /// Records the page of that number as joined; whether it was new.
    fn remember_page(&mut self, number: usize, page: &Rc<Page<T>>) -> bool {
        match self.pages.entry((number, Rc::as_ptr(page))) {
            Entry::Occupied(_) => false,
            Entry::Vacant(slot) => {
                slot.insert(Rc::clone(page));
                true
            }
        }
    }

    /// Records the chunk of that number as joined; whether it was new.
    fn remember_chunk(&mut self, number: usize, chunk: &Rc<Chunk<T>>) -> bool {
        match self.chunks.entry((number, Rc::as_ptr(chunk))) {
            Entry::Occupied(_) => false,
            Entry::Vacant(slot) => {
                slot.insert(Rc::clone(chunk));
                true
            }
        }
    }
}

impl<T: Clone + Default + PartialEq> ChunkedVec<T> {
    /// As [`ChunkedVec::join_with`] for a vector that accumulates many states of one run
    /// (every way out of a function): a page or chunk of `other` already joined into
    /// `self` is skipped, as joining it again changes nothing (`join` is idempotent), so
    /// each state costs the pages and chunks it does not share with those joined before.
    pub fn join_unseen(
        &mut self,
        other: &Self,
        joined: &mut JoinedChunks<T>,
        mut join: impl FnMut(&mut T, &T) -> bool,
    ) -> bool {
        let mut changed = false;
        for (page_number, page) in other.pages.iter().enumerate() {
            let Some(page) = page else { continue };
            if !joined.remember_page(page_number, page) {
                // Every chunk of a remembered page was remembered with it.
                continue;
            }
            if self.page(page_number).is_none() {
                // Nothing of ours there, so none of its chunks was joined before: the
                // page, shared whole.
                for (slot, chunk) in page.chunks.iter().enumerate() {
                    if let Some(chunk) = chunk {
                        joined.remember_chunk(page_number * PAGE + slot, chunk);
                    }
                }
                if self.pages.len() <= page_number {
                    self.pages.resize(page_number + 1, None);
                }
                changed |= !page.is_empty();
                self.pages[page_number] = Some(Rc::clone(page));
                continue;
            }
            for (slot, chunk) in page.chunks.iter().enumerate() {
                let Some(chunk) = chunk else { continue };
                let number = page_number * PAGE + slot;
                if joined.remember_chunk(number, chunk) {
                    changed |= self.join_chunk(number, chunk, &mut join);
                }
            }
        }
        changed
    }
}

impl<T: Clone + Default + PartialEq> PartialEq for ChunkedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        let pages = self.pages.len().max(other.pages.len());
        (0..pages).all(|page_number| {
            match (self.page(page_number), other.page(page_number)) {
                (None, None) => return true,
                (Some(a), Some(b)) if Rc::ptr_eq(a, b) => return true,
                _ => {}
            }
            (page_number * PAGE..(page_number + 1) * PAGE).all(|number| {
                match (self.chunk(number), other.chunk(number)) {
                    (Some(a), Some(b)) => Rc::ptr_eq(a, b) || a == b,
                    (Some(chunk), None) | (None, Some(chunk)) => {
                        chunk.iter().all(|entry| *entry == T::default())
                    }
                    (None, None) => true,
                }
            })
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
        assert_eq!(a.pages.len(), 1);
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

    #[test]
    fn a_copy_costs_one_pointer_per_page_and_a_write_unshares_one_page() {
        let mut a: ChunkedVec<u8> = ChunkedVec::default();
        for index in (0..3 * PAGE * CHUNK).step_by(CHUNK) {
            a.set(index, 1);
        }
        assert_eq!(a.pages.len(), 3);
        let mut b = a.clone();
        b.set(PAGE * CHUNK + 1, 2);
        // Pages 0 and 2 are still shared; page 1 is b's own, and shares all its chunks
        // but the written one.
        assert!(Rc::ptr_eq(a.page(0).unwrap(), b.page(0).unwrap()));
        assert!(Rc::ptr_eq(a.page(2).unwrap(), b.page(2).unwrap()));
        assert!(!Rc::ptr_eq(a.page(1).unwrap(), b.page(1).unwrap()));
        assert!(Rc::ptr_eq(
            a.chunk(PAGE + 1).unwrap(),
            b.chunk(PAGE + 1).unwrap()
        ));
        assert!(!Rc::ptr_eq(a.chunk(PAGE).unwrap(), b.chunk(PAGE).unwrap()));
        assert_eq!(a.differing(&b), vec![PAGE * CHUNK + 1]);
        // Joining b into a takes b's page whole: the two share every page again.
        let union = |x: &mut u8, y: &u8| {
            let joined = *x | *y;
            std::mem::replace(x, joined) != joined
        };
        assert!(a.join_with(&b, union));
        assert!(Rc::ptr_eq(a.page(1).unwrap(), b.page(1).unwrap()));
        assert!(!a.join_with(&b, union));
    }

    mod model {
        use super::super::*;
        use proptest::prelude::*;
        use std::collections::BTreeMap;

        /// What a vector should hold: its entries that are not the default.
        type Model = BTreeMap<usize, u8>;

        #[derive(Clone, Debug)]
        enum Op {
            Set(usize, usize, u8),
            Copy(usize),
            Union(usize, usize),
            Intersect(usize, usize),
            JoinUnseen(usize),
            Compare(usize, usize),
        }

        fn index() -> impl Strategy<Value = usize> {
            // Mostly a few chunks (so that writes meet in one chunk), some over pages.
            prop_oneof![0..3 * CHUNK, 0..3 * PAGE * CHUNK]
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                4 => (0..8usize, index(), 0u8..4).prop_map(|(v, i, x)| Op::Set(v, i, x)),
                2 => (0..8usize).prop_map(Op::Copy),
                2 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::Union(a, b)),
                2 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::Intersect(a, b)),
                1 => (0..8usize).prop_map(Op::JoinUnseen),
                2 => (0..8usize, 0..8usize).prop_map(|(a, b)| Op::Compare(a, b)),
            ]
        }

        fn contents(vector: &ChunkedVec<u8>) -> Model {
            vector.iter().map(|(i, x)| (i, *x)).collect()
        }

        fn union(x: &mut u8, y: &u8) -> bool {
            let joined = *x | *y;
            std::mem::replace(x, joined) != joined
        }

        proptest! {
            /// Any sequence of writes, copies and joins over a few vectors that share
            /// pages and chunks leaves each holding what a plain map holds.
            #[test]
            fn behaves_like_a_map(ops in proptest::collection::vec(op(), 1..60)) {
                let mut vectors: Vec<(ChunkedVec<u8>, Model)> = vec![Default::default()];
                let mut accumulated: (ChunkedVec<u8>, Model) = Default::default();
                let mut joined = JoinedChunks::default();
                for op in ops {
                    let n = vectors.len();
                    match op {
                        Op::Set(v, index, value) => {
                            let (vector, model) = &mut vectors[v % n];
                            vector.set(index, value);
                            if value == 0 {
                                model.remove(&index);
                            } else {
                                model.insert(index, value);
                            }
                            prop_assert_eq!(vector.value(index), value);
                        }
                        Op::Copy(v) => {
                            let copy = vectors[v % n].clone();
                            vectors.push(copy);
                        }
                        Op::Union(a, b) => {
                            let theirs = vectors[b % n].clone();
                            let (vector, model) = &mut vectors[a % n];
                            let before = model.clone();
                            for (index, value) in &theirs.1 {
                                *model.entry(*index).or_default() |= value;
                            }
                            let changed = vector.join_with(&theirs.0, union);
                            // A chunk written back to defaults may report a change that
                            // is none; a real one is always reported.
                            prop_assert!(changed || before == *model);
                        }
                        Op::Intersect(a, b) => {
                            let theirs = vectors[b % n].clone();
                            let (vector, model) = &mut vectors[a % n];
                            let before = model.clone();
                            model.retain(|index, value| {
                                *value &= theirs.1.get(index).copied().unwrap_or(0);
                                *value != 0
                            });
                            let changed = vector.join_indexed(&theirs.0, |_, x, y| {
                                let joined = *x & *y;
                                std::mem::replace(x, joined) != joined
                            });
                            prop_assert_eq!(changed, before != *model);
                        }
                        Op::JoinUnseen(v) => {
                            let (vector, model) = &vectors[v % n];
                            if accumulated.1.is_empty() && contents(&accumulated.0).is_empty() {
                                joined.remember_all(vector);
                                accumulated = (vector.clone(), model.clone());
                            } else {
                                for (index, value) in model {
                                    *accumulated.1.entry(*index).or_default() |= value;
                                }
                                accumulated.0.join_unseen(vector, &mut joined, union);
                            }
                            prop_assert_eq!(contents(&accumulated.0), accumulated.1.clone());
                        }
                        Op::Compare(a, b) => {
                            let (x, model_x) = &vectors[a % n];
                            let (y, model_y) = &vectors[b % n];
                            prop_assert_eq!(x == y, model_x == model_y);
                            let keys: std::collections::BTreeSet<usize> =
                                model_x.keys().chain(model_y.keys()).copied().collect();
                            let differing: Vec<usize> = keys
                                .iter()
                                .copied()
                                .filter(|i| model_x.get(i) != model_y.get(i))
                                .collect();
                            prop_assert_eq!(x.differing(y), differing);
                            let one_sided: Vec<usize> = keys
                                .iter()
                                .copied()
                                .filter(|i| model_x.contains_key(i) != model_y.contains_key(i))
                                .collect();
                            prop_assert_eq!(x.one_sided(y), one_sided);
                        }
                    }
                    for (vector, model) in &vectors {
                        prop_assert_eq!(&contents(vector), model);
                    }
                }
            }
        }
    }

    #[test]
    fn a_chunk_held_by_one_vector_alone_is_joined_in_place() {
        let union = |x: &mut u8, y: &u8| {
            let joined = *x | *y;
            std::mem::replace(x, joined) != joined
        };
        let mut a: ChunkedVec<u8> = ChunkedVec::default();
        a.set(1, 1);
        let mut b: ChunkedVec<u8> = ChunkedVec::default();
        b.set(1, 2);
        b.set(2, 4);
        let own = Rc::as_ptr(a.chunk(0).unwrap());
        assert!(a.join_with(&b, union));
        assert_eq!(Rc::as_ptr(a.chunk(0).unwrap()), own);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![(1, &3), (2, &4)]);
        // A copy shares the chunk: joining into one copies it, the other stays as it was.
        let copy = a.clone();
        let mut c: ChunkedVec<u8> = ChunkedVec::default();
        c.set(3, 8);
        assert!(a.join_with(&c, union));
        assert_ne!(Rc::as_ptr(a.chunk(0).unwrap()), own);
        assert_eq!(copy.iter().collect::<Vec<_>>(), vec![(1, &3), (2, &4)]);
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            vec![(1, &3), (2, &4), (3, &8)]
        );
        // Joined into equality with theirs, ours becomes theirs.
        let mut d: ChunkedVec<u8> = ChunkedVec::default();
        d.set(1, 1);
        let mut e = a.clone();
        e.set(1, 3);
        assert!(d.join_with(&e, union));
        assert!(Rc::ptr_eq(d.chunk(0).unwrap(), e.chunk(0).unwrap()));
    }

    #[test]
    fn joining_unseen_chunks_gives_what_joining_every_state_gives() {
        let union = |x: &mut u8, y: &u8| {
            let joined = *x | *y;
            std::mem::replace(x, joined) != joined
        };
        // A run of states, each a copy of the one before with one entry written, spread
        // over several pages.
        let mut states: Vec<ChunkedVec<u8>> = Vec::new();
        let mut state: ChunkedVec<u8> = ChunkedVec::default();
        state.set(0, 1);
        for step in 0..200usize {
            let mut next = state.clone();
            next.set((step * 97) % (3 * PAGE * CHUNK), 1 << (step % 8));
            states.push(std::mem::replace(&mut state, next));
        }
        let mut every: ChunkedVec<u8> = states[0].clone();
        let mut unseen: ChunkedVec<u8> = states[0].clone();
        let mut joined = JoinedChunks::default();
        joined.remember_all(&states[0]);
        for state in &states[1..] {
            every.join_with(state, union);
            unseen.join_unseen(state, &mut joined, union);
        }
        assert_eq!(unseen, every);
        assert_eq!(
            unseen.iter().collect::<Vec<_>>(),
            every.iter().collect::<Vec<_>>()
        );
    }
}
