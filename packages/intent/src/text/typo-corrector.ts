/**
 * Typo tolerance without a dictionary download: the vocabulary is the training text itself.
 * Uses the symmetric-delete idea (index every word's one- and two-letter deletions, look a typo's
 * deletions up in that index) so a lookup costs a few dozen map reads, not a scan of the vocabulary —
 * a 600-word jailbreak prompt must not turn into 600 full scans.
 */
export interface TypoCorrector {
  /** The vocabulary word this token most likely meant, or the token itself when nothing is close. */
  correct(token: string): string;
  isKnown(token: string): boolean;
}

function deletions(word: string, depth: number): Set<string> {
  const out = new Set<string>();
  let frontier = [word];
  for (let d = 0; d < depth; d += 1) {
    const next: string[] = [];
    for (const w of frontier) {
      for (let i = 0; i < w.length; i += 1) {
        const del = w.slice(0, i) + w.slice(i + 1);
        if (!out.has(del)) {
          out.add(del);
          next.push(del);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/** Optimal-string-alignment distance (Damerau–Levenshtein with adjacent swaps: "pasword", "pssaword"). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i += 1) d[i * cols] = i;
  for (let j = 0; j < cols; j += 1) d[j] = j;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      d[i * cols + j] = v;
    }
  }
  return at(a.length, b.length);
}

/** Short words are only corrected by one edit: "hte" -> "the" is fine, "asd" -> "add" is not. */
function allowedDistance(length: number): number {
  if (length <= 3) return 1;
  if (length <= 7) return 1;
  return 2;
}

export function createTypoCorrector(frequencies: ReadonlyMap<string, number>): TypoCorrector {
  const index = new Map<string, string[]>();
  const add = (key: string, word: string): void => {
    const list = index.get(key);
    if (list) list.push(word);
    else index.set(key, [word]);
  };
  for (const word of frequencies.keys()) {
    if (word.length < 4 || /[0-9_-]/.test(word)) continue;
    add(word, word);
    for (const del of deletions(word, allowedDistance(word.length))) add(del, word);
  }

  const cache = new Map<string, string>();
  const lookup = (token: string): string => {
    if (frequencies.has(token) || token.length < 3 || /[0-9_-]/.test(token)) return token;
    const maxDistance = allowedDistance(token.length);
    const keys = new Set<string>([token, ...deletions(token, maxDistance)]);
    let best = token;
    let bestDistance = Number.POSITIVE_INFINITY; // a rank: edit distance minus the dropped-letter bonus
    let bestFrequency = -1;
    for (const key of keys) {
      for (const candidate of index.get(key) ?? []) {
        // Three-letter tokens may only grow by one letter ("hep" -> "help"): substituting a
        // letter in a word that short invents meaning ("asd" -> "add").
        if (token.length === 3 && candidate.length !== 4) continue;
        // Four-letter tokens are mostly real words we never trained on ("pain", "four", "read");
        // only a dropped letter is corrected there ("helo" -> "hello"), never a substitution.
        if (token.length === 4 && candidate.length !== 5) continue;
        const distance = editDistance(token, candidate);
        const frequency = frequencies.get(candidate) ?? 0;
        if (distance > maxDistance) continue;
        // Ties broken by frequency, then alphabetically, so the result never depends on map order.
        // A dropped letter is the commonest typo ("helo", "pasword"), so at equal distance a
        // candidate one letter longer beats a substitution ("helo" -> "hello", not "help").
        const rank = distance - (candidate.length === token.length + 1 ? 0.5 : 0);
        if (rank < bestDistance || (rank === bestDistance && (frequency > bestFrequency || (frequency === bestFrequency && candidate < best)))) {
          best = candidate;
          bestDistance = rank;
          bestFrequency = frequency;
        }
      }
    }
    return best;
  };

  return {
    isKnown: (token) => frequencies.has(token),
    correct(token) {
      const hit = cache.get(token);
      if (hit !== undefined) return hit;
      const corrected = lookup(token);
      // Bounded so that a stream of random strings cannot grow memory without limit.
      if (cache.size < 20_000) cache.set(token, corrected);
      return corrected;
    },
  };
}
