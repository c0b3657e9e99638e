import { InvalidArgumentError } from '../../errors.ts';
import type { Embeddings, Neighbour } from '../../vectors/embeddings.ts';
import { topK } from '../../kernels/topk.ts';
import { neighbourhoodMeans, scoresAgainst, unitRow } from './csls.ts';
import { resolvePairs, type WordPair } from './dictionary.ts';
import { resolveRetrievalOptions } from './retrieval-options.ts';

/** How translations are retrieved from two aligned spaces. */
export interface RetrievalOptions {
  /** Rank by CSLS (MUSE's definition) rather than cosine (default false). */
  csls?: boolean;
  /** CSLS neighbourhood size (default 10, as MUSE). */
  k?: number;
  /**
   * Only the first N words of the target space are candidates (the most frequent), and CSLS's neighbourhoods are
   * taken among the first N words of each space; all words when absent.
   */
  restrictVocab?: number;
}

/** translate's options. */
export interface TranslateOptions extends RetrievalOptions {
  /** Translations per word (default 5). */
  topn?: number;
}

/** One word's translations, best first; `translations` is null when the source space lacks the word. */
export interface Translation {
  word: string;
  translations: Neighbour[] | null;
}

function checkSpaces(source: Embeddings, target: Embeddings): void {
  if (source.dim !== target.dim) throw new InvalidArgumentError(`the source space has ${source.dim} dimensions and the target space ${target.dim}: aligned spaces share one dimension`);
}

/** What CSLS needs: r_S of every candidate target and a way to get r_T of a query. */
class Retriever {
  readonly sRows: number;
  readonly tRows: number;
  private readonly rTarget?: Float32Array;
  private readonly k: number;

  constructor(
    readonly source: Embeddings,
    readonly target: Embeddings,
    readonly o: RetrievalOptions,
  ) {
    checkSpaces(source, target);
    const limit = o.restrictVocab;
    this.k = o.k ?? 10;
    this.sRows = Math.min(limit ?? source.size, source.size);
    this.tRows = Math.min(limit ?? target.size, target.size);
    if (o.csls) this.rTarget = neighbourhoodMeans(target, this.tRows, source, this.sRows, this.k);
  }

  /** Scores of source row i against the candidate targets. */
  scores(i: number): Float32Array {
    const q = unitRow(this.source, i);
    if (!this.rTarget) return scoresAgainst(q, this.target, this.tRows);
    const own = this.target.mostSimilarBatch([q], Math.min(this.k, this.tRows), this.tRows)[0];
    const queryMean = own.reduce((s, n) => s + n.score, 0) / own.length;
    return scoresAgainst(q, this.target, this.tRows, { queryMean, baseMeans: this.rTarget });
  }
}

/**
 * Translates words of an aligned source space into the target space's words by nearest neighbour (cosine) or
 * CSLS (2·cos − r_T − r_S, k nearest neighbours each side, as MUSE). Words the source space lacks get null.
 * @example
 * ```ts
 * import { Embeddings, Vocabulary } from 'embedkit';
 * import { translate } from 'embedkit/apps';
 * const en = new Embeddings(new Vocabulary(['dog', 'cat']), Float32Array.from([1, 0.1, 0.1, 1]), 2);
 * const es = new Embeddings(new Vocabulary(['perro', 'gato']), Float32Array.from([1, 0, 0, 1]), 2);
 * const [dog, bird] = translate(en, es, ['dog', 'bird'], { topn: 1, csls: true, k: 1 });
 * console.log(dog.translations?.[0].word, bird.translations); // perro null
 * ```
 */
export function translate(source: Embeddings, target: Embeddings, words: readonly string[], options: TranslateOptions = {}): Translation[] {
  return translator(source, target, options)(words);
}

/**
 * translate with its setup done once: CSLS's neighbourhood means of every target word (a pass over both
 * vocabularies) are computed here, so each later call costs one scan of the target space per word (a server
 * answering one word at a time, say). The setup runs on the WebAssembly search kernel once it is compiled: await
 * either space's `prepare()` first, as the plain TypeScript scan it falls back to is many times slower. The
 * returned function takes the words and, optionally, another topn.
 * @example
 * ```ts
 * import { Embeddings, Vocabulary } from 'embedkit';
 * import { translator } from 'embedkit/apps';
 * const en = new Embeddings(new Vocabulary(['dog', 'cat']), Float32Array.from([1, 0.1, 0.1, 1]), 2);
 * const es = new Embeddings(new Vocabulary(['perro', 'gato']), Float32Array.from([1, 0, 0, 1]), 2);
 * const toSpanish = translator(en, es, { csls: true, k: 1 });
 * console.log(toSpanish(['cat'], 1)[0].translations?.[0].word); // gato
 * ```
 */
export function translator(source: Embeddings, target: Embeddings, options: TranslateOptions = {}): (words: readonly string[], topn?: number) => Translation[] {
  const { topn: defaultTopn, ...retrieval } = resolveRetrievalOptions({ ...options });
  const r = new Retriever(source, target, retrieval);
  return (words, topn = defaultTopn) => words.map((word) => {
    const i = source.vocab.indexOf(word);
    if (i < 0) return { word, translations: null };
    const best = topK(r.scores(i), topn, 0, r.tRows);
    return { word, translations: best.map(({ index, score }) => ({ word: target.vocab.word(index), score })) };
  });
}

/** evaluateBilingual's options. */
export interface BilingualEvalOptions extends RetrievalOptions {
  /** The cut-offs of precision@k (default [1, 5, 10]). */
  at?: readonly number[];
}

/** Precision@k of word translation (MUSE's protocol) and what the dictionary lacked in the spaces. */
export interface BilingualEvaluation {
  /** Precision at each cut-off, as a fraction: a source word counts when any of its listed translations is in its top k. */
  precision: Record<number, number>;
  /** Source words evaluated (those with at least one translation found). */
  queries: number;
  /** Pairs in the dictionary. */
  pairs: number;
  /** Pairs left out because a word is missing from a space (or outside restrictVocab). */
  missingPairs: number;
  /** Distinct source words missing from the source space. */
  missingSource: string[];
  /** Distinct target words missing from the target space (or outside restrictVocab). */
  missingTarget: string[];
  /** `csls` or `nn`. */
  retrieval: 'csls' | 'nn';
}

/**
 * Word-translation precision@k on a test dictionary, as MUSE measures it: for each source word of the dictionary,
 * the target words are ranked (cosine or CSLS), and the word counts as translated at k when any of its listed
 * translations is among the first k. Pairs whose words the spaces lack are counted and reported, never dropped
 * silently.
 * @example
 * ```ts
 * import { Embeddings, Vocabulary } from 'embedkit';
 * import { evaluateBilingual } from 'embedkit/apps';
 * const en = new Embeddings(new Vocabulary(['dog', 'cat']), Float32Array.from([1, 0.1, 0.1, 1]), 2);
 * const es = new Embeddings(new Vocabulary(['perro', 'gato']), Float32Array.from([1, 0, 0, 1]), 2);
 * const r = evaluateBilingual(en, es, [['dog', 'perro'], ['cat', 'gato'], ['cat', 'minino']], { at: [1] });
 * console.log(r.precision[1], r.queries, r.missingTarget); // 1 2 [ 'minino' ]
 * ```
 */
export function evaluateBilingual(source: Embeddings, target: Embeddings, pairs: readonly WordPair[], options: BilingualEvalOptions = {}): BilingualEvaluation {
  const { at: given, ...rest } = options;
  const at = [...(given ?? [1, 5, 10])];
  for (const k of at) if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`every precision cut-off must be a positive integer, got ${k}`);
  const { topn: _topn, ...retrieval } = resolveRetrievalOptions({ ...rest });
  const r = new Retriever(source, target, retrieval);
  const resolved = resolvePairs(pairs, source.vocab, target.vocab, { targetRows: r.tRows });
  const gold = new Map<number, Set<number>>();
  resolved.srcRows.forEach((s, i) => {
    const set = gold.get(s) ?? new Set<number>();
    set.add(resolved.tgtRows[i]);
    gold.set(s, set);
  });
  const maxK = Math.max(...at);
  const hits = new Map<number, number>(at.map((k) => [k, 0]));
  for (const [s, answers] of gold) {
    const ranked = topK(r.scores(s), maxK, 0, r.tRows);
    const first = ranked.findIndex((n) => answers.has(n.index));
    if (first < 0) continue;
    for (const k of at) if (first < k) hits.set(k, hits.get(k)! + 1);
  }
  const precision: Record<number, number> = {};
  for (const k of at) precision[k] = gold.size ? hits.get(k)! / gold.size : 0;
  return {
    precision,
    queries: gold.size,
    pairs: pairs.length,
    missingPairs: resolved.missingPairs,
    missingSource: resolved.missingSource,
    missingTarget: resolved.missingTarget,
    retrieval: retrieval.csls ? 'csls' : 'nn',
  };
}
