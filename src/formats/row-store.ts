import type { ErrorLocation } from '../errors.ts';
import { Embeddings } from '../vectors/embeddings.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';

/** Where a row came from, for messages: "file, line 7" or "file, byte 1234". */
export function describeLocation(loc: ErrorLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc.byte !== undefined) parts.push(`byte ${loc.byte}`);
  return parts.join(', ');
}

/** At most this many duplicate-word warnings one by one; the rest are summed up in one more. */
const MAX_DUPLICATE_WARNINGS = 20;

export interface FinishOptions {
  /** Where row i was read, for duplicate warnings. */
  locate: (row: number) => ErrorLocation;
  onWarning: (message: string) => void;
  /** Word counts from a vocabulary file; words it lacks get 0. */
  counts?: Map<string, number>;
  /** The rows' words, when the reader decoded them itself (in batches, see PackedWords) and used commitRow(). */
  words?: string[];
}

/**
 * The rows a reader has parsed: words in file order and one preallocated V×dim matrix the reader writes
 * into directly. Readers that know the row count (a header) size it once; others let it grow.
 */
export class RowStore {
  readonly words: string[] = [];
  vectors: Float32Array;
  rows = 0;

  constructor(
    readonly dim: number,
    private capacity: number,
    /** A matrix of capacity × dim the reader already has (word2vec binary reads into the file's own buffer). */
    vectors?: Float32Array,
  ) {
    this.vectors = vectors ?? new Float32Array(capacity * dim);
  }

  /** Offset in `vectors` where the next row goes (grows the matrix when full). */
  nextRowOffset(): number {
    if (this.rows === this.capacity) this.grow();
    return this.rows * this.dim;
  }

  /** Commits the row just written at nextRowOffset(). */
  push(word: string): void {
    this.words.push(word);
    this.rows++;
  }

  /** Commits the row just written at nextRowOffset(), its word to be given to finish(). */
  commitRow(): void {
    this.rows++;
  }

  private grow(): void {
    this.capacity = Math.max(16, Math.ceil(this.capacity * 1.5));
    const bigger = new Float32Array(this.capacity * this.dim);
    bigger.set(this.vectors);
    this.vectors = bigger;
  }

  /**
   * Builds the Embeddings: duplicate words keep their first row (a warning names each later one, as
   * gensim and the C tools keep the first too), and the matrix is trimmed to the rows actually read.
   */
  finish(o: FinishOptions): Embeddings {
    let words = o.words ?? this.words;
    if (words.length !== this.rows) throw new Error(`internal: ${words.length} words for ${this.rows} rows`);
    let vocab = new Vocabulary(words);
    let rows = this.rows;
    const { dim } = this;
    // The vocabulary's index keeps first occurrences, so a row whose word maps elsewhere is a duplicate.
    let kept = 0;
    let duplicates = 0;
    for (let i = 0; vocab.distinctSize < rows && i < rows; i++) {
      const first = vocab.indexOf(words[i]);
      if (first !== i) {
        duplicates++;
        if (duplicates <= MAX_DUPLICATE_WARNINGS) {
          o.onWarning(
            `${describeLocation(o.locate(i))}: duplicate word ${JSON.stringify(words[i])} ` +
              `(first at ${describeLocation({ ...o.locate(first), file: undefined })}); keeping the first vector`,
          );
        }
        continue;
      }
      if (kept !== i) this.vectors.copyWithin(kept * dim, i * dim, (i + 1) * dim);
      kept++;
    }
    if (duplicates > 0) {
      if (duplicates > MAX_DUPLICATE_WARNINGS) {
        o.onWarning(`${describeLocation({ file: o.locate(0).file })}: ${duplicates - MAX_DUPLICATE_WARNINGS} more duplicate words skipped`);
      }
      words = words.filter((w, i) => vocab.indexOf(w) === i);
      rows = kept;
    }
    let counts: Float64Array | undefined;
    if (o.counts) {
      counts = new Float64Array(rows);
      let missing = 0;
      let firstMissing = '';
      for (let i = 0; i < rows; i++) {
        const c = o.counts.get(words[i]);
        if (c === undefined) {
          if (missing++ === 0) firstMissing = words[i];
        } else counts[i] = c;
      }
      if (missing > 0) o.onWarning(`vocabulary file has no count for ${missing} word(s), e.g. ${JSON.stringify(firstMissing)}; their count is 0`);
    }
    if (duplicates > 0 || counts) vocab = new Vocabulary(words, counts);
    return new Embeddings(vocab, this.trimmed(rows), dim);
  }

  /** The matrix cut to `rows`: a view when the spare capacity is small, otherwise a copy that frees it. */
  private trimmed(rows: number): Float32Array {
    const used = rows * this.dim;
    if (used === this.vectors.length) return this.vectors;
    const spare = this.vectors.length - used;
    return spare * 8 <= this.vectors.length ? this.vectors.subarray(0, used) : this.vectors.slice(0, used);
  }
}
