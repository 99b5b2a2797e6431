//! The keyword pass: every occurrence of every rule keyword, ASCII case-insensitive.
//!
//! # Why not `AhoCorasick::find_overlapping_iter`
//! The rules hold about 120 short keywords (`key`, `bot`, `eyJ`, `://` ...). That set is too
//! large and too case-insensitive for aho-corasick's SIMD prefilters, so its search is a DFA
//! walk of one transition per byte, and each transition's load depends on the previous one:
//! the walk is bound by the latency of that chain (about 5 cycles a byte), not by the work.
//!
//! So the DFA that aho-corasick builds is laid out again as a plain transition table (its
//! own byte classes, match states numbered first so "is this a match" is one comparison),
//! and a long input is cut into [`STREAMS`] segments walked in lockstep. The chains are
//! independent, so the CPU overlaps them: on this project's benchmark input the walk runs
//! about 2.6 times as fast as the single chain. Each segment after the first starts
//! `longest keyword - 1` bytes early, so a keyword crossing a cut is still seen whole, and
//! only matches ending inside a segment's own range are kept: the result is exactly the
//! overlapping search's, in the same order (by end offset).
//!
//! When the DFA cannot be built (a user rule file with a huge keyword list), the search
//! falls back to aho-corasick's own overlapping iterator.

use std::collections::HashMap;

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::dfa::DFA;
use aho_corasick::{AhoCorasick, Anchored, MatchKind};

/// Segments walked at once. Four measured best on x86-64 (two: 1.9x, eight: 2.3x).
const STREAMS: usize = 4;

/// Inputs shorter than this many times the longest keyword are walked as one stream: the
/// re-read warm-up bytes would cost more than the overlap saves.
const MIN_SEGMENT_KEYWORDS: usize = 8;

/// One keyword occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Index of the keyword in the list given to [`Keywords::new`].
    pub(crate) keyword: usize,
    /// Byte offset of its first byte.
    pub(crate) start: usize,
    /// Byte offset just past its last byte.
    pub(crate) end: usize,
}

/// Finds all (overlapping) occurrences of a keyword set.
#[derive(Debug)]
pub(crate) struct Keywords {
    search: Search,
}

#[derive(Debug)]
enum Search {
    Table(Box<Table>),
    Fallback(AhoCorasick),
}

/// A DFA as a flat table: `next = trans[state + class[byte]]`, states premultiplied by the
/// class count, match states first.
#[derive(Debug)]
struct Table {
    classes: [u8; 256],
    class_count: usize,
    trans: Vec<u32>,
    start: u32,
    /// Premultiplied ids below this are match states.
    match_limit: u32,
    /// Per match state (by index): the keywords ending there, with their lengths.
    matches: Vec<Vec<(usize, usize)>>,
    longest: usize,
}

impl Keywords {
    /// Builds the searcher. Keywords must not be empty.
    ///
    /// # Errors
    /// aho-corasick's message when not even its fallback automaton can be built.
    pub(crate) fn new(keywords: &[Vec<u8>]) -> Result<Keywords, String> {
        let dfa = DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(keywords);
        if let Some(table) = dfa.ok().and_then(|dfa| Table::new(&dfa, keywords)) {
            return Ok(Keywords {
                search: Search::Table(Box::new(table)),
            });
        }
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(keywords)
            .map_err(|e| e.to_string())?;
        Ok(Keywords {
            search: Search::Fallback(ac),
        })
    }

    /// Bytes of heap the searcher holds.
    pub(crate) fn memory_usage(&self) -> usize {
        match &self.search {
            Search::Table(t) => {
                t.trans.len() * 4 + t.matches.iter().map(|m| 24 + m.len() * 16).sum::<usize>()
            }
            Search::Fallback(ac) => ac.memory_usage(),
        }
    }

    /// Appends every occurrence in `hay` to `out`, ordered by end offset.
    pub(crate) fn find_all(&self, hay: &[u8], out: &mut Vec<Hit>) {
        match &self.search {
            Search::Table(t) => t.find_all(hay, out),
            Search::Fallback(ac) => out.extend(ac.find_overlapping_iter(hay).map(|m| Hit {
                keyword: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })),
        }
    }
}

impl Table {
    /// Tabulates `dfa` built from `keywords`, or `None` if its states and classes do not
    /// fit `u32` ids.
    fn new(dfa: &DFA, keywords: &[Vec<u8>]) -> Option<Table> {
        // An Aho-Corasick automaton treats alike all bytes that label no trie edge, and a
        // letter like its other case: one class per distinct (folded) keyword byte, and
        // class 0 for everything else. Deriving the classes from the keywords instead of
        // comparing the DFA's 256 columns keeps the build under a millisecond.
        let mut classes = [0u8; 256];
        let mut representative = vec![0u8];
        for &byte in keywords.iter().flatten() {
            let folded = usize::from(byte.to_ascii_lowercase());
            if classes[folded] == 0 {
                classes[folded] = u8::try_from(representative.len()).ok()?;
                representative.push(byte.to_ascii_lowercase());
            }
        }
        for byte in b'A'..=b'Z' {
            classes[usize::from(byte)] = classes[usize::from(byte.to_ascii_lowercase())];
        }
        if let Some(unused) = (0..=255u8).find(|&b| classes[usize::from(b)] == 0) {
            representative[0] = unused;
        } else {
            // Every byte labels an edge: class 0 stands for no byte.
            representative.remove(0);
            classes.iter_mut().for_each(|c| *c -= 1);
        }
        let start = dfa.start_state(Anchored::No).ok()?;
        // Every state reachable from the start, numbered in discovery order.
        let mut states = vec![start];
        let mut index: HashMap<StateID, usize> = HashMap::from([(start, 0)]);
        let mut next = 0;
        while next < states.len() {
            let sid = states[next];
            for &byte in &representative {
                let to = dfa.next_state(Anchored::No, sid, byte);
                index.entry(to).or_insert_with(|| {
                    states.push(to);
                    states.len() - 1
                });
            }
            next += 1;
        }
        let class_count = representative.len();
        // Match states first, then the rest, each in discovery order.
        let mut order: Vec<usize> = (0..states.len()).collect();
        order.sort_by_key(|&i| (!dfa.is_match(states[i]), i));
        let mut renumber = vec![0usize; states.len()];
        for (new, &old) in order.iter().enumerate() {
            renumber[old] = new;
        }
        let premultiplied = |old: usize| u32::try_from(renumber[old] * class_count).ok();
        u32::try_from(states.len().checked_mul(class_count)?).ok()?;
        let mut trans = vec![0u32; states.len() * class_count];
        let mut matches = Vec::new();
        for &old in &order {
            let sid = states[old];
            let row = renumber[old] * class_count;
            for (class, &byte) in representative.iter().enumerate() {
                let to = dfa.next_state(Anchored::No, sid, byte);
                trans[row + class] = premultiplied(index[&to])?;
            }
            if dfa.is_match(sid) {
                let here = (0..dfa.match_len(sid))
                    .map(|i| {
                        let pattern = dfa.match_pattern(sid, i);
                        (pattern.as_usize(), dfa.pattern_len(pattern))
                    })
                    .collect();
                matches.push(here);
            }
        }
        Some(Table {
            classes,
            class_count,
            trans,
            start: premultiplied(0)?,
            match_limit: u32::try_from(matches.len() * class_count).ok()?,
            matches,
            longest: dfa.max_pattern_len(),
        })
    }

    #[inline]
    fn step(&self, state: u32, byte: u8) -> u32 {
        self.trans[state as usize + usize::from(self.classes[usize::from(byte)])]
    }

    /// Records the keywords ending at `end` in match state `state`.
    #[cold]
    fn record(&self, state: u32, end: usize, out: &mut Vec<Hit>) {
        for &(keyword, len) in &self.matches[state as usize / self.class_count] {
            out.push(Hit {
                keyword,
                start: end - len,
                end,
            });
        }
    }

    fn find_all(&self, hay: &[u8], out: &mut Vec<Hit>) {
        let segment = hay.len() / STREAMS;
        if segment < self.longest * MIN_SEGMENT_KEYWORDS || self.longest == 0 {
            let mut state = self.start;
            for (i, &byte) in hay.iter().enumerate() {
                state = self.step(state, byte);
                if state < self.match_limit {
                    self.record(state, i + 1, out);
                }
            }
            return;
        }
        // Stream s keeps the matches ending in (own[s], end[s]] and starts reading
        // `longest - 1` bytes before own[s] so that it knows every keyword ending there.
        let warm_up = self.longest - 1;
        let own: [usize; STREAMS] = std::array::from_fn(|s| s * segment);
        let end: [usize; STREAMS] = std::array::from_fn(|s| {
            if s + 1 == STREAMS {
                hay.len()
            } else {
                own[s + 1]
            }
        });
        let begin: [usize; STREAMS] = std::array::from_fn(|s| own[s].saturating_sub(warm_up));
        let mut state = [self.start; STREAMS];
        let mut found: [Vec<Hit>; STREAMS] = Default::default();
        // Every stream reads at least `lockstep` bytes; the last also reads the remainder.
        let lockstep = (0..STREAMS).map(|s| end[s] - begin[s]).min().unwrap_or(0);
        for j in 0..lockstep {
            for s in 0..STREAMS {
                let i = begin[s] + j;
                let next = self.step(state[s], hay[i]);
                state[s] = next;
                if next < self.match_limit && i >= own[s] {
                    self.record(next, i + 1, &mut found[s]);
                }
            }
        }
        for s in 0..STREAMS {
            let from = begin[s] + lockstep;
            for (i, &byte) in hay[from..end[s]].iter().enumerate() {
                let i = from + i;
                state[s] = self.step(state[s], byte);
                if state[s] < self.match_limit && i >= own[s] {
                    self.record(state[s], i + 1, &mut found[s]);
                }
            }
        }
        for f in &found {
            out.extend_from_slice(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(list: &[&str]) -> Vec<Vec<u8>> {
        list.iter().map(|k| k.as_bytes().to_vec()).collect()
    }

    /// aho-corasick's own overlapping search, the reference.
    fn reference(list: &[Vec<u8>], hay: &[u8]) -> Vec<Hit> {
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(list)
            .unwrap();
        ac.find_overlapping_iter(hay)
            .map(|m| Hit {
                keyword: m.pattern().as_usize(),
                start: m.start(),
                end: m.end(),
            })
            .collect()
    }

    fn sorted(mut hits: Vec<Hit>) -> Vec<Hit> {
        hits.sort_by_key(|h| (h.end, h.keyword));
        hits
    }

    /// xorshift: reproducible inputs without a dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        /// Writes `kw` over `hay` at a random place, each letter in a random case.
        fn plant(&mut self, hay: &mut [u8], kw: &[u8]) {
            let at = self.below(hay.len() - kw.len());
            for (i, &b) in kw.iter().enumerate() {
                let upper = self.below(2) == 0;
                hay[at + i] = if upper { b.to_ascii_uppercase() } else { b };
            }
        }
    }

    #[test]
    fn builtin_like_set_uses_the_table() {
        let list = keywords(&["key", "token", "api_key", "ghp_", "://", "eyj"]);
        let k = Keywords::new(&list).unwrap();
        assert!(matches!(k.search, Search::Table(_)));
        assert!(k.memory_usage() > 0);
    }

    #[test]
    fn same_hits_as_aho_corasick_on_random_inputs_of_every_size() {
        let list = keywords(&[
            "key",
            "api_key",
            "apikey",
            "token",
            "token token=",
            "bot",
            ":aa",
            "eyj",
            "ghp_",
            "pd_",
            "pd.",
            "://",
            "secret",
            "age-secret-key-1",
            "a",
            "aa",
            "hooks.slack.com",
        ]);
        let k = Keywords::new(&list).unwrap();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let alphabet = b"akeyKEYtoknTOKN_:/.-= \nbpdAEJghsecrt1";
        for round in 0..400 {
            // Sizes around every segment threshold, plus large ones.
            let len = match round % 4 {
                0 => rng.below(64),
                1 => rng.below(2_000),
                2 => 4 * 16 * MIN_SEGMENT_KEYWORDS + rng.below(16),
                _ => 20_000 + rng.below(20_000),
            };
            let any_byte = round % 8 == 7;
            let mut hay: Vec<u8> = (0..len)
                .map(|_| match any_byte {
                    true => rng.below(256) as u8,
                    false => alphabet[rng.below(alphabet.len())],
                })
                .collect();
            // Plant whole keywords in random case, some across likely segment cuts.
            for _ in 0..len / 50 {
                let kw = &list[rng.below(list.len())];
                if kw.len() >= hay.len() {
                    continue;
                }
                rng.plant(&mut hay, kw);
            }
            let mut got = Vec::new();
            k.find_all(&hay, &mut got);
            let want = reference(&list, &hay);
            assert!(
                got.windows(2).all(|w| w[0].end <= w[1].end),
                "not ordered by end"
            );
            assert_eq!(sorted(got), sorted(want), "round {round}, {len} bytes");
        }
    }

    #[test]
    fn builtin_keywords_same_hits_as_aho_corasick() {
        let set = crate::RuleSet::builtin().expect("built-in rules");
        let mut list: Vec<Vec<u8>> = Vec::new();
        for rule in set.rules() {
            for k in rule.keywords_lower.iter().chain(&rule.file_keywords_lower) {
                if !list.contains(k) {
                    list.push(k.clone());
                }
            }
        }
        let k = Keywords::new(&list).unwrap();
        assert!(matches!(k.search, Search::Table(_)));
        let mut rng = Rng(7);
        let mut hay: Vec<u8> = (0..200_000).map(|_| rng.below(256) as u8).collect();
        for _ in 0..2_000 {
            let kw = &list[rng.below(list.len())];
            rng.plant(&mut hay, kw);
        }
        let mut got = Vec::new();
        k.find_all(&hay, &mut got);
        assert!(got.len() >= 2_000);
        assert_eq!(sorted(got), sorted(reference(&list, &hay)));
    }

    #[test]
    fn keyword_across_every_segment_cut_is_found_once() {
        let list = keywords(&["age-secret-key-1", "key"]);
        let k = Keywords::new(&list).unwrap();
        let len = 4_000;
        let segment = len / STREAMS;
        for cut in 1..STREAMS {
            for shift in 0..17 {
                let mut hay = vec![b'.'; len];
                let at = cut * segment + shift - 16;
                hay[at..at + 16].copy_from_slice(b"AGE-SECRET-KEY-1");
                let mut got = Vec::new();
                k.find_all(&hay, &mut got);
                let want = vec![
                    Hit {
                        keyword: 1,
                        start: at + 11,
                        end: at + 14,
                    },
                    Hit {
                        keyword: 0,
                        start: at,
                        end: at + 16,
                    },
                ];
                assert_eq!(got, want, "cut {cut}, shift {shift}");
            }
        }
    }
}
