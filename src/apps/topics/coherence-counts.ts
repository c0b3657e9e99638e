/**
 * Occurrence and co-occurrence counts of the topic words, the probability estimation stage of gensim's coherence
 * pipeline (gensim.topic_coherence.text_analysis), reproduced count for count so the measures equal gensim's:
 *
 * - boolean document (u_mass, gensim's CorpusAccumulator): a "virtual document" per text, empty texts included;
 * - boolean sliding window (c_v, c_npmi, c_uci, gensim's WordOccurrenceAccumulator): each text of L tokens gives
 *   L − window + 1 windows, or one window holding the whole text when it is shorter than the window. Like gensim,
 *   the set of words "in" the window is updated incrementally: the token leaving the window is unmarked even when
 *   another copy of it is still inside. That is gensim's count, and matching it is the point here.
 *
 * Only the topic words (the "relevant" words, numbered 0..R−1) are counted; every other token is the none token R.
 */

/** Word and pair counts over R relevant words. `pair(a, b)` with a === b is the word's own count, as in gensim. */
export interface CooccurrenceCounts {
  /** Virtual documents (texts or windows) counted. */
  readonly documents: number;
  /** Virtual documents containing each relevant word. */
  readonly occurrences: Float64Array;
  /** Virtual documents containing both words. */
  pair(a: number, b: number): number;
}

/**
 * Pair counts: a dense triangle for up to DENSE_LIMIT relevant words (a few MB), a map beyond, keyed by the
 * smaller id × R + the larger.
 */
const DENSE_LIMIT = 2048;

class PairCounter {
  private readonly dense?: Uint32Array;
  private readonly sparse?: Map<number, number>;
  constructor(private readonly size: number) {
    if (size <= DENSE_LIMIT) this.dense = new Uint32Array(size * size);
    else this.sparse = new Map();
  }
  add(a: number, b: number): void {
    const key = a < b ? a * this.size + b : b * this.size + a;
    if (this.dense) this.dense[key]++;
    else this.sparse!.set(key, (this.sparse!.get(key) ?? 0) + 1);
  }
  get(a: number, b: number): number {
    const key = a < b ? a * this.size + b : b * this.size + a;
    return this.dense ? this.dense[key] : (this.sparse!.get(key) ?? 0);
  }
}

/** The set of relevant words marked in the current virtual document, listable in O(size). */
class MarkedSet {
  private readonly marked: Uint8Array;
  private readonly position: Int32Array;
  readonly list: Int32Array;
  size = 0;
  constructor(private readonly none: number) {
    this.marked = new Uint8Array(none);
    this.position = new Int32Array(none);
    this.list = new Int32Array(none);
  }
  mark(id: number): void {
    if (id === this.none || this.marked[id]) return;
    this.marked[id] = 1;
    this.position[id] = this.size;
    this.list[this.size++] = id;
  }
  unmark(id: number): void {
    if (id === this.none || !this.marked[id]) return;
    this.marked[id] = 0;
    const at = this.position[id];
    const last = this.list[--this.size];
    this.list[at] = last;
    this.position[last] = at;
  }
  clear(): void {
    for (let i = 0; i < this.size; i++) this.marked[this.list[i]] = 0;
    this.size = 0;
  }
}

function finish(documents: number, occurrences: Float64Array, pairs: PairCounter): CooccurrenceCounts {
  return { documents, occurrences, pair: (a, b) => (a === b ? occurrences[a] : pairs.get(a, b)) };
}

/** Counts the marked words of one virtual document: each once, each pair once. */
function countMarked(set: MarkedSet, occurrences: Float64Array, pairs: PairCounter): void {
  const list = set.list;
  const n = set.size;
  for (let i = 0; i < n; i++) {
    const a = list[i];
    occurrences[a]++;
    for (let j = i + 1; j < n; j++) pairs.add(a, list[j]);
  }
}

/** Each text as relevant-word ids, the none token (R) for every other token. */
function toIds(text: readonly string[], relevant: ReadonlyMap<string, number>): Int32Array {
  const none = relevant.size;
  const ids = new Int32Array(text.length);
  for (let i = 0; i < text.length; i++) ids[i] = relevant.get(text[i]) ?? none;
  return ids;
}

/** Boolean-document counts (u_mass): every text is one virtual document, an empty one included. */
export function countDocuments(texts: readonly (readonly string[])[], relevant: ReadonlyMap<string, number>): CooccurrenceCounts {
  const R = relevant.size;
  const occurrences = new Float64Array(R);
  const pairs = new PairCounter(R);
  const set = new MarkedSet(R);
  for (const text of texts) {
    set.clear();
    for (const id of toIds(text, relevant)) set.mark(id);
    countMarked(set, occurrences, pairs);
  }
  return finish(texts.length, occurrences, pairs);
}

/**
 * Boolean sliding-window counts (c_v, c_npmi, c_uci). Empty texts give no window (gensim fails on them; they hold
 * no word to count), so they are left out.
 */
export function countWindows(texts: readonly (readonly string[])[], relevant: ReadonlyMap<string, number>, window: number): CooccurrenceCounts {
  const R = relevant.size;
  const occurrences = new Float64Array(R);
  const pairs = new PairCounter(R);
  const set = new MarkedSet(R);
  let documents = 0;
  for (const text of texts) {
    const L = text.length;
    if (L === 0) continue;
    const ids = toIds(text, relevant);
    set.clear();
    const first = Math.min(L, window);
    for (let i = 0; i < first; i++) set.mark(ids[i]);
    countMarked(set, occurrences, pairs);
    documents++;
    // Slide: gensim unmarks the token that leaves (the previous window's first) and marks the one that enters.
    for (let start = 1; start + window <= L; start++) {
      set.unmark(ids[start - 1]);
      set.mark(ids[start + window - 1]);
      countMarked(set, occurrences, pairs);
      documents++;
    }
  }
  return finish(documents, occurrences, pairs);
}
