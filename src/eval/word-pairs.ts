import { EmbedkitError, FormatError } from '../errors.ts';
import { dot } from '../kernels/similarity.ts';
import type { Embeddings } from '../vectors/embeddings.ts';
import { parsePythonFloat, readLines, splitWhitespace } from './eval-text.ts';
import { evalVocab, type EvalVocabOptions } from './eval-vocab.ts';
import { pearson, spearman, type PearsonResult, type SpearmanResult } from './statistics.ts';

/**
 * Word-pair similarity evaluation (WordSim-353, SimLex-style files: "word1<TAB>word2<TAB>score", '#' comment
 * lines) with the semantics of gensim's evaluate_word_pairs: the model's cosine for each pair is correlated
 * with the human scores; pairs with a word outside the first `restrictVocab` words are left out, or with
 * dummy4unknown kept with similarity 0.
 */

export interface WordPairsOptions extends EvalVocabOptions {
  /** Field separator (default '\t'); null splits at runs of whitespace. */
  delimiter?: string | null;
  /** Keep pairs with unknown words, with model similarity 0 (default false: leave them out). */
  dummy4unknown?: boolean;
  /** Skip lines that are not "word word score", as gensim does, instead of failing with a FormatError (default false). */
  skipInvalid?: boolean;
}

export interface WordPairsResult {
  pearson: PearsonResult;
  spearman: SpearmanResult;
  /**
   * Share of pairs with unknown words, a fraction in [0, 1] as in analogy results (gensim's evaluate_word_pairs
   * returns it as a percentage): of all pairs, or of the kept pairs with dummy4unknown, as gensim counts.
   */
  oovRatio: number;
  /** Pairs that entered the correlations. */
  pairs: number;
  /** Pairs with a word outside the first `restrictVocab` words. */
  oov: number;
  /** Lines skipped as invalid (only with skipInvalid). */
  skipped: number;
}

/**
 * Correlation of the vectors' cosines with human similarity scores ("word1 word2 score" lines), as gensim's evaluate_word_pairs computes it.
 * @example
 * ```ts
 * import { evaluateWordPairs, loadEmbeddings } from 'embedkit';
 * const vectors = await loadEmbeddings('vectors.bin');
 * const result = await evaluateWordPairs(vectors, 'data/eval/wordsim353.tsv');
 * console.log(result.spearman.rho, result.pearson.r, result.oov);
 * ```
 */
export async function evaluateWordPairs(emb: Embeddings, path: string, options: WordPairsOptions = {}): Promise<WordPairsResult> {
  const { delimiter = '\t', dummy4unknown = false, skipInvalid = false } = options;
  const vocab = evalVocab(emb, options);
  const unit = emb.unitMatrix();
  const row = (r: number) => unit.subarray(r * emb.dim, (r + 1) * emb.dim);
  const gold: number[] = [];
  const model: number[] = [];
  let oov = 0;
  let skipped = 0;
  // gensim reads this file in text mode: '\r\n' and a lone '\r' end lines too.
  for (const { text, line } of readLines(path, true)) {
    if (text.startsWith('#')) continue;
    const fields = delimiter === null ? splitWhitespace(text) : text.split(delimiter);
    const score = fields.length === 3 ? parsePythonFloat(fields[2]) : null;
    if (score === null) {
      if (splitWhitespace(text).length === 0) continue; // blank lines carry nothing
      if (skipInvalid) {
        skipped++;
        continue;
      }
      const found = fields.length === 3 ? `a score that is not a number, ${JSON.stringify(fields[2])}` : `${fields.length} field${fields.length === 1 ? '' : 's'}`;
      throw new FormatError(`expected "word1${separatorName(delimiter)}word2${separatorName(delimiter)}score" or a '#' comment, found ${found}: ${JSON.stringify(text.slice(0, 80))}`, { file: path, line });
    }
    const ra = vocab.rowOf.get(vocab.key(fields[0]));
    const rb = vocab.rowOf.get(vocab.key(fields[1]));
    if (ra === undefined || rb === undefined) {
      oov++;
      if (dummy4unknown) {
        gold.push(score);
        model.push(0);
      }
      continue;
    }
    gold.push(score);
    model.push(dot(row(ra), row(rb)));
  }
  if (gold.length === 0) {
    throw new EmbedkitError('no_pairs', `no pair to evaluate: ${oov ? `all ${oov} pairs have words outside the vocabulary` : 'the file has no "word word score" line'}`, { file: path });
  }
  const oovRatio = dummy4unknown ? oov / gold.length : oov / (gold.length + oov);
  return { pearson: pearson(gold, model), spearman: spearman(gold, model), oovRatio, pairs: gold.length, oov, skipped };
}

function separatorName(delimiter: string | null): string {
  if (delimiter === null) return ' ';
  return delimiter === '\t' ? '<TAB>' : delimiter;
}
