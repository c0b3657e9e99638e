import { InvalidArgumentError } from '../errors.ts';
import type { Embeddings } from '../vectors/embeddings.ts';

/**
 * The words an evaluation may use: the first `restrictVocab` rows, looked up by their key (the word, or the
 * word upper-cased when case-insensitive). When several rows share a key, the first (most frequent) wins.
 */
export interface EvalVocab {
  /** Rows [0, end) take part. */
  end: number;
  /** Key → the row that answers for it. */
  rowOf: Map<string, number>;
  /** For each row below `end`, the row that answers for its key (itself, or an earlier case variant). */
  canonical: Int32Array;
  /** How a word from an evaluation file becomes a key. */
  key: (word: string) => string;
}

export interface EvalVocabOptions {
  /** Only the first N rows take part (default 300000, as gensim). */
  restrictVocab?: number;
  /** Compare words upper-cased (default true, as gensim). */
  caseInsensitive?: boolean;
}

export const DEFAULT_RESTRICT_VOCAB = 300_000;

export function evalVocab(emb: Embeddings, options: EvalVocabOptions = {}): EvalVocab {
  const { restrictVocab = DEFAULT_RESTRICT_VOCAB, caseInsensitive = true } = options;
  if (!(restrictVocab >= 1) || (Number.isFinite(restrictVocab) && !Number.isInteger(restrictVocab))) {
    throw new InvalidArgumentError(`restrictVocab must be a positive integer, got ${restrictVocab}`);
  }
  const end = Math.min(emb.size, restrictVocab);
  const key = caseInsensitive ? (w: string) => w.toUpperCase() : (w: string) => w;
  const rowOf = new Map<string, number>();
  const canonical = new Int32Array(end);
  for (let r = 0; r < end; r++) {
    const k = key(emb.vocab.word(r));
    const first = rowOf.get(k);
    if (first === undefined) rowOf.set(k, r);
    canonical[r] = first ?? r;
  }
  return { end, rowOf, canonical, key };
}
