import { InvalidArgumentError } from '../../errors.ts';
import { loadFastTextModel } from '../../formats/index.ts';
import { MAX_SIGMOID, SIGMOID_TABLE_SIZE, fillFastTextSigmoidTables, sigmoidCell } from '../../kernels/fasttext-layout.ts';
import type { FastTextModelData } from '../../vectors/fasttext-model.ts';
import { DenseMatrix, QuantizedMatrix, type FastTextMatrix } from '../../vectors/fasttext-matrix.ts';
import { fastTextTokens, SupervisedInput, type SupervisedLine } from '../../vectors/fasttext-supervised-input.ts';
import { popHeap, pushHeap, sortHeap, type Scored } from './fasttext-heap.ts';

/** One predicted label and its probability, as `fasttext predict-prob` prints them. */
export interface Prediction {
  label: string;
  probability: number;
}

/** How many labels to predict and the lowest probability to keep (fastText's `k` and `threshold`). */
export interface PredictOptions {
  /** Most labels returned, best first (default 1). */
  k?: number;
  /** Labels below this probability are left out (default 0). */
  threshold?: number;
}

/** A label's score as fastText keeps it (std_log): log(p + 1e-5), in float32. */
const logOf = (p: number): number => Math.fround(Math.log(p + 1e-5));

/** fastText's `supervised` model defaults to this label prefix; the .bin does not record the one used. */
export const DEFAULT_LABEL_PREFIX = '__label__';

/**
 * A fastText text classifier (a model trained by `fasttext supervised` or trainFastTextSupervised) that predicts
 * as fastText does: the line cut into fastText's tokens (with `</s>` at its end), its input rows (words,
 * character n-grams, hashed word n-grams) averaged in float32, then the loss's prediction: softmax over the
 * labels, a sigmoid per label from fastText's table (ns, ova), or the best-first walk of the Huffman tree (hs);
 * the k best labels at or above the threshold, each with exp(log(p + 1e-5)) as fastText prints it.
 * @example
 * ```ts
 * import { corpusFromLines, trainFastTextSupervised } from 'embedkit/train';
 * import { FastTextClassifier } from 'embedkit/apps';
 * const lines = Array.from({ length: 200 }, (_, i) => (i % 2 ? '__label__sport the match ended in a draw' : '__label__food fresh bread and soup'));
 * await trainFastTextSupervised({ input: corpusFromLines(lines), output: 'classifier.bin', dim: 10, threads: 1 });
 * const classifier = await FastTextClassifier.load('classifier.bin'); // or a model `fasttext supervised` wrote
 * console.log(classifier.predict('a draw in the match', { k: 2 })); // [{ label: '__label__sport', probability: 0.9… }, { label: '__label__food', … }]
 * ```
 */
export class FastTextClassifier {
  readonly labels: readonly string[];
  private readonly input: SupervisedInput;
  private readonly outputRows: Float32Array[];
  private readonly sigmoid = new Float32Array(SIGMOID_TABLE_SIZE + 1);
  private readonly tree: HuffmanNodes | undefined;
  private readonly hidden: Float32Array;
  private readonly line: SupervisedLine = { rows: [], labels: [], tokens: 0 };

  /** A classifier over a model read from a file (readFastTextBin, loadFastTextModel) or just trained. */
  constructor(
    readonly model: FastTextModelData,
    readonly labelPrefix = DEFAULT_LABEL_PREFIX,
  ) {
    const { args } = model;
    if (args.model !== 'supervised') {
      throw new InvalidArgumentError(`this fastText model was trained with ${args.model} (word vectors), not supervised: it has no labels to predict`);
    }
    if (!model.output) throw new InvalidArgumentError('this fastText model was read without its output matrix, which holds the labels');
    this.labels = model.labels.words;
    // Version 11 and older supervised models had no character n-grams (fastText ignores maxn there).
    const maxn = model.version <= 11 ? 0 : args.maxn;
    this.input = new SupervisedInput({ vocab: model.vocab, labels: model.labels, labelPrefix, wordNgrams: args.wordNgrams, bucket: args.bucket, minn: args.minn, maxn, pruneIndex: model.pruneIndex });
    this.outputRows = Array.from({ length: model.labels.size }, (_, i) => rowOf(model.output!, i));
    fillFastTextSigmoidTables(this.sigmoid, new Float32Array(SIGMOID_TABLE_SIZE + 1));
    this.tree = args.loss === 'hs' ? huffmanNodes(model.labels.counts) : undefined;
    this.hidden = new Float32Array(args.dim);
  }

  /** Reads a supervised `.bin` or `.ftz`; a word-vector model is refused. */
  static async load(path: string, labelPrefix = DEFAULT_LABEL_PREFIX): Promise<FastTextClassifier> {
    const model = await loadFastTextModel(path);
    try {
      return new FastTextClassifier(model, labelPrefix);
    } catch (err) {
      if (err instanceof InvalidArgumentError) throw new InvalidArgumentError(`${path}: ${err.message}`);
      throw err;
    }
  }

  /** Output row of a label, or -1. */
  labelIndex(label: string): number {
    return this.model.labels.indexOf(label);
  }

  /** The k best labels of a text (one line; it gets fastText's `</s>`), best first. */
  predict(text: string, options: PredictOptions = {}): Prediction[] {
    return this.predictTokens(fastTextTokens(text), true, options);
  }

  /**
   * The k best labels of a line's tokens; `endOfLine` false for a file's last line without a newline (fastText
   * reads no `</s>` there). A line without any input row gets no prediction.
   */
  predictTokens(tokens: readonly string[], endOfLine: boolean, options: PredictOptions = {}): Prediction[] {
    const rows = this.input.encode(tokens, endOfLine, this.line).rows;
    return this.predictRows(rows, options).map(([score, label]) => ({ label: this.labels[label], probability: Math.fround(Math.exp(score)) }));
  }

  /** The labels of a line (ids into `labels`) and its prediction as [score, label] pairs (for test()). */
  labelledPrediction(tokens: readonly string[], endOfLine: boolean, options: PredictOptions): { gold: number[]; rows: number; predicted: [score: number, label: number][] } {
    const line = this.input.encode(tokens, endOfLine, this.line);
    const gold = [...line.labels];
    const rows = line.rows.length;
    return { gold, rows, predicted: rows > 0 && gold.length > 0 ? this.predictRows(line.rows, options) : [] };
  }

  private predictRows(rows: readonly number[], options: PredictOptions): Scored[] {
    const k = options.k ?? 1;
    const threshold = options.threshold ?? 0;
    if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`k must be a positive integer, got ${k}`);
    if (!(threshold >= 0 && threshold <= 1)) throw new InvalidArgumentError(`threshold must be a number in 0..1, got ${threshold}`);
    if (rows.length === 0) return [];
    const hidden = this.hidden;
    hidden.fill(0);
    for (const r of rows) this.model.input.addRowTo(hidden, r);
    const inv = Math.fround(1 / rows.length);
    for (let d = 0; d < hidden.length; d++) hidden[d] *= inv;
    const heap: Scored[] = [];
    if (this.tree) this.walk(this.tree, k, threshold, heap);
    else {
      // Loss::findKBest
      const output = this.outputs();
      for (let i = 0; i < output.length; i++) {
        if (output[i] < threshold) continue;
        const score = logOf(output[i]);
        if (heap.length === k && score < heap[0][0]) continue;
        pushHeap(heap, [score, i]);
        if (heap.length > k) popHeap(heap);
      }
    }
    return sortHeap(heap);
  }

  /** hidden · output row i, summed in float32 in fastText's order. */
  private dot(i: number): number {
    const row = this.outputRows[i];
    const hidden = this.hidden;
    let f = 0;
    for (let d = 0; d < row.length; d++) f = Math.fround(f + Math.fround(row[d] * hidden[d]));
    return f;
  }

  /** Every label's probability: softmax, or fastText's table sigmoid (ns, ova). */
  private outputs(): Float32Array {
    const n = this.labels.length;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.dot(i);
    if (this.model.args.loss === 'softmax') {
      let max = out[0];
      for (let i = 0; i < n; i++) max = Math.max(max, out[i]);
      let z = 0;
      for (let i = 0; i < n; i++) {
        out[i] = Math.exp(Math.fround(out[i] - max));
        z = Math.fround(z + out[i]);
      }
      for (let i = 0; i < n; i++) out[i] = out[i] / z;
    } else {
      for (let i = 0; i < n; i++) {
        const x = out[i];
        out[i] = x < -MAX_SIGMOID ? 0 : x > MAX_SIGMOID ? 1 : this.sigmoid[sigmoidCell(x)];
      }
    }
    return out;
  }

  /** HierarchicalSoftmaxLoss::dfs: leaves reached with their summed log-probabilities, pruned as fastText prunes. */
  private walk(tree: HuffmanNodes, k: number, threshold: number, heap: Scored[]): void {
    const osz = this.labels.length;
    const floor = logOf(threshold);
    const visit = (node: number, score: number): void => {
      if (score < floor) return;
      if (heap.length === k && score < heap[0][0]) return;
      if (tree.left[node] === -1 && tree.right[node] === -1) {
        pushHeap(heap, [score, node]);
        if (heap.length > k) popHeap(heap);
        return;
      }
      // The exact sigmoid here (not the table), in float32 as fastText computes it.
      const f = Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-this.dot(node - osz)))));
      visit(tree.left[node], Math.fround(score + logOf(Math.fround(1 - f))));
      visit(tree.right[node], Math.fround(score + logOf(f)));
    };
    visit(2 * osz - 2, 0);
  }
}

/** Row i of an output matrix as floats (quantized rows decoded). */
function rowOf(m: FastTextMatrix, i: number): Float32Array {
  if (m instanceof DenseMatrix) return m.row(i);
  if (m instanceof QuantizedMatrix) return m.decodeRow(i);
  const row = new Float32Array(m.dim);
  m.addRowTo(row, i);
  return row;
}

/** Children of fastText's Huffman tree over the labels (HierarchicalSoftmaxLoss::buildTree); leaves are 0..osz−1. */
interface HuffmanNodes {
  left: Int32Array;
  right: Int32Array;
}

function huffmanNodes(counts: ArrayLike<number>): HuffmanNodes {
  const osz = counts.length;
  const n = Math.max(1, 2 * osz - 1);
  const count = new Float64Array(n).fill(1e15);
  const left = new Int32Array(n).fill(-1);
  const right = new Int32Array(n).fill(-1);
  for (let i = 0; i < osz; i++) count[i] = counts[i];
  let leaf = osz - 1;
  let node = osz;
  for (let i = osz; i < 2 * osz - 1; i++) {
    const mini = [0, 0];
    for (let j = 0; j < 2; j++) {
      if (leaf >= 0 && count[leaf] < count[node]) mini[j] = leaf--;
      else mini[j] = node++;
    }
    left[i] = mini[0];
    right[i] = mini[1];
    count[i] = count[mini[0]] + count[mini[1]];
  }
  return { left, right };
}
