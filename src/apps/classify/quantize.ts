import { InvalidArgumentError } from '../../errors.ts';
import { writeFastTextBin } from '../../formats/fasttext-bin-write.ts';
import type { FastTextModelData } from '../../vectors/fasttext-model.ts';
import { DenseMatrix } from '../../vectors/fasttext-matrix.ts';
import { EOS } from '../../vectors/subwords.ts';
import { Vocabulary } from '../../vocab/vocabulary.ts';
import { cppSort } from './cpp-sort.ts';
import { quantizeMatrix, rowNorms } from './quantize-pq.ts';
import { resolveQuantizeOptions, type QuantizeSettings } from './quantize-options.ts';
import { retrainPruned } from './quantize-retrain.ts';

export { quantizeSchema, resolveQuantizeOptions, type QuantizeSettings, type ResolvedQuantizeOptions } from './quantize-options.ts';

/** quantizeFastTextModel's options: the settings (quantizeSchema) and an abort signal for the retraining. */
export interface QuantizeOptions extends QuantizeSettings {
  signal?: AbortSignal;
}

/**
 * Compresses a supervised fastText model as `fasttext quantize` does, into what its `.ftz` files hold:
 * with `cutoff`, only the input rows (words and n-gram buckets) with the largest norms are kept (`</s>` always),
 * the dictionary and the hashed buckets remapped as fastText's Dictionary::prune does (kept words in their order,
 * kept buckets in order of falling norm); with `retrain` the kept rows are then fine-tuned on `input`; then the
 * input matrix is product-quantized (fastText's ProductQuantizer: slices of `dsub` coordinates, 256 centroids
 * each by 25 k-means iterations from its seeded random start, one byte per slice and row), its row norms
 * separately with `qnorm`, and the output matrix too with `qout`. The centroids and codes equal fastText's
 * on the same rows. Write the result with writeFastTextBin (or quantizeFastTextFile).
 * @example
 * ```ts
 * import { corpusFromLines, trainFastTextSupervised } from 'embedkit/train';
 * import { quantizeFastTextModel, FastTextClassifier } from 'embedkit/apps';
 * const lines = Array.from({ length: 400 }, (_, i) => (i % 2 ? `__label__sport match ${i} ended` : `__label__food bread ${i} and soup`));
 * const { model } = await trainFastTextSupervised({ input: corpusFromLines(lines), dim: 10, threads: 1 });
 * const small = await quantizeFastTextModel(model, { cutoff: 300, qnorm: true });
 * console.log(small.pruneIndex !== null, new FastTextClassifier(small).predict('match 3 ended')[0].label); // true __label__sport
 * ```
 */
export async function quantizeFastTextModel(model: FastTextModelData, options: QuantizeOptions = {}): Promise<FastTextModelData> {
  return quantizeInOrder(model, options);
}

/**
 * quantizeFastTextModel, with the rows' order for the cutoff given when the caller already has it (rowOrder of
 * the model's input matrix; autotune sizes its cutoff by it).
 */
export async function quantizeInOrder(model: FastTextModelData, options: QuantizeOptions, order?: readonly number[]): Promise<FastTextModelData> {
  const o = resolveQuantizeOptions(options);
  if (model.args.model !== 'supervised') {
    throw new InvalidArgumentError(`only supervised models can be quantized (as in fastText); this one was trained with ${model.args.model}`);
  }
  if (!(model.input instanceof DenseMatrix)) throw new InvalidArgumentError('this model is already quantized');
  if (!model.output) throw new InvalidArgumentError('this model was read without its output matrix, which a quantized model keeps');
  if (!(model.output instanceof DenseMatrix)) throw new InvalidArgumentError('this model\'s output matrix is already quantized');
  let pruned: FastTextModelData = model;
  let input: DenseMatrix = model.input;
  if (o.cutoff > 0 && o.cutoff < input.rows) {
    pruned = pruneModel(model, (order ?? rowOrder(input, model.vocab.indexOf(EOS))).slice(0, o.cutoff));
    if (o.retrain) pruned = await retrainPruned(pruned, o, options.signal);
    input = pruned.input as DenseMatrix;
  }
  const output = pruned.output as DenseMatrix;
  return {
    ...pruned,
    input: quantizeMatrix(input, o.dsub, o.qnorm),
    // fastText quantizes the output in slices of 2 whatever dsub is.
    output: o.qout ? quantizeMatrix(output, 2, o.qnorm) : output,
  };
}

/**
 * Reads a supervised `.bin`, quantizes it (quantizeFastTextModel) and writes the `.ftz`; returns the quantized model.
 * @example
 * ```ts
 * import { corpusFromLines, trainFastTextSupervised } from 'embedkit/train';
 * import { quantizeFastTextFile } from 'embedkit/apps';
 * const lines = Array.from({ length: 400 }, (_, i) => (i % 2 ? `__label__sport match ${i} ended` : `__label__food bread ${i} and soup`));
 * await trainFastTextSupervised({ input: corpusFromLines(lines), output: 'classifier.bin', dim: 10, threads: 1 });
 * const small = await quantizeFastTextFile('classifier.bin', 'classifier.ftz', { qnorm: true }); // the fastText CLI reads it
 * console.log(small.input.rows); // 406: every row, one byte per 2 coordinates
 * ```
 */
export async function quantizeFastTextFile(from: string, to: string, options: QuantizeOptions = {}): Promise<FastTextModelData> {
  const { loadFastTextModel } = await import('../../formats/index.ts');
  const model = await loadFastTextModel(from);
  const quantized = await quantizeFastTextModel(model, options);
  await writeFastTextBin(quantized, to);
  return quantized;
}

/**
 * Every input row in the order fastText's FastText::selectEmbeddings ranks them (a cutoff keeps the first ones):
 * `</s>` first, then by falling norm; sorted by libstdc++'s std::sort, so rows of equal norm (identical rows occur)
 * come in fastText's order.
 */
export function rowOrder(input: DenseMatrix, eos: number): number[] {
  const norms = rowNorms(input);
  const idx = Array.from({ length: input.rows }, (_, i) => i);
  cppSort(idx, (a, b) => (a === eos && b === eos ? false : a === eos || (b !== eos && norms[a] > norms[b])));
  return idx;
}

/** The model with only the selected input rows, its dictionary and buckets remapped as fastText's Dictionary::prune. */
function pruneModel(model: FastTextModelData, idx: readonly number[]): FastTextModelData {
  const { vocab } = model;
  const input = model.input as DenseMatrix;
  const nwords = vocab.size;
  const words = idx.filter((i) => i < nwords).sort((a, b) => a - b);
  const ngrams = idx.filter((i) => i >= nwords);
  const pruneIndex = new Map<number, number>();
  ngrams.forEach((row, j) => pruneIndex.set(row - nwords, j));
  const rows = [...words, ...ngrams];
  const data = new Float32Array(rows.length * input.dim);
  rows.forEach((r, i) => data.set(input.row(r), i * input.dim));
  let rawWords: Map<number, Uint8Array> | undefined;
  if (model.rawWords && model.rawWords.size > 0) {
    // Raw bytes are keyed by dictionary entry: kept words get their new index, labels move down with them.
    rawWords = new Map();
    words.forEach((w, j) => {
      const raw = model.rawWords!.get(w);
      if (raw) rawWords!.set(j, raw);
    });
    for (let l = 0; l < model.labels.size; l++) {
      const raw = model.rawWords.get(nwords + l);
      if (raw) rawWords.set(words.length + l, raw);
    }
  }
  return {
    ...model,
    vocab: new Vocabulary(words.map((w) => vocab.word(w)), words.map((w) => vocab.count(w))),
    pruneIndex,
    input: new DenseMatrix(rows.length, input.dim, data),
    rawWords,
  };
}
