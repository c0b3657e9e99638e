/**
 * Where every fastText training array lives inside one (shared) WebAssembly.Memory, so every worker thread
 * trains the same model without copies:
 *
 *   input    (nwords + bucket) rows: word rows, then character n-gram bucket rows (fastText's input matrix)
 *   output   nwords rows: negative-sampling output rows, or the inner nodes of the Huffman tree (hs);
 *            supervised models: one row per label (the tree's inner nodes over labels with hs)
 *   subword  per word, the input rows it averages (its own row, then its n-gram rows): offsets (nwords + 1)
 *            into one flat list of rows
 *   tables   sigmoid / log-sigmoid, keep probability (subsampling), alias table (negatives), Huffman paths
 *   slots    per worker: the configuration block (the CTX offsets word2vec uses for chunk feeding, random
 *            state and loss), input buffers, the subsampled sentence, hidden and gradient vectors
 *
 * Rows have a stride of `rowFloats` = dim rounded up to 4 floats; the padding starts at zero and stays zero.
 */
import { arena, checkShapeInts, inputBuffers, viewMakers, writeConfigBlock } from './layout-plan.ts';
import { CTX, seedState, type InputLayout } from './word2vec-layout.ts';

/**
 * fastText's sigmoid table (not word2vec's): σ at the left edge of each of SIGMOID_TABLE_SIZE cells over
 * [-MAX_SIGMOID, MAX_SIGMOID], plus the right end; σ is 0 below the range and 1 above.
 */
export const SIGMOID_TABLE_SIZE = 512;
export const MAX_SIGMOID = 8;
const SIGMOID_ENTRIES = SIGMOID_TABLE_SIZE + 1;

/** Fills fastText's σ table and log σ at the same points (the latter only for the reported loss). */
export function fillFastTextSigmoidTables(sigmoid: Float32Array, logSigmoid: Float32Array): void {
  for (let i = 0; i < SIGMOID_ENTRIES; i++) {
    const x = (i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE - MAX_SIGMOID;
    const s = 1 / (1 + Math.exp(-x));
    sigmoid[i] = s;
    logSigmoid[i] = Math.log(s);
  }
}

/** Table cell of a score as fastText finds it (float32 arithmetic, truncation); meaningful for |f| ≤ MAX_SIGMOID. */
export function sigmoidCell(f: number): number {
  return Math.trunc(Math.fround(Math.fround(f + MAX_SIGMOID) * (SIGMOID_TABLE_SIZE / MAX_SIGMOID / 2)));
}

/** The losses the kernels train with (ova, one-vs-all, only for supervised models). */
export type FastTextTrainingLoss = 'ns' | 'hs' | 'softmax' | 'ova';

/** How the configuration block names the loss (wasm/fasttext.wat branches on it). */
export const LOSS_CODES: Record<FastTextTrainingLoss, number> = { ns: 0, hs: 1, softmax: 2, ova: 3 };

export interface FastTextShape {
  nwords: number;
  bucket: number;
  dim: number;
  /** Total rows over all words' subword lists. */
  subwordRows: number;
  cbow: boolean;
  /**
   * Supervised (classification) models: the number of labels, i.e. output rows; each sentence of a chunk is
   * one example whose ids are input rows (≥ 0) and labels (−1 − label). 0 or absent: word vectors.
   */
  labels?: number;
  /** Loss: negative sampling, hierarchical softmax, or the full softmax over the vocabulary (or the labels). */
  loss: FastTextTrainingLoss;
  /** Negatives per target (ns). */
  neg: number;
  /** Maximum window; each position draws its own in 1..ws. */
  ws: number;
  /** Tokens between two learning-rate updates inside a chunk. */
  lrUpdateRate: number;
  /** Total Huffman code bits over all words (hs only). */
  huffmanBits: number;
  /** Words one kernel call may receive. */
  maxChunkWords: number;
  slots: number;
  inputBuffers: number;
}

export interface FastTextSlotLayout {
  ctx: number;
  inputs: InputLayout[];
  /** The sentence after subsampling. */
  work: number;
  hidden: number;
  grad: number;
  /** Skip-gram: hidden as the window started (hidden = hiddenStart + grad after each context word). */
  hiddenStart: number;
  /** Softmax: one score, then one probability, per output row (0 for the other losses). */
  scores: number;
}

export interface FastTextLayout {
  shape: FastTextShape;
  rowFloats: number;
  input: number;
  output: number;
  subwordOffsets: number;
  subwordRows: number;
  expTable: number;
  logTable: number;
  keep: number;
  aliasProbability: number;
  aliasIndex: number;
  codes: number;
  points: number;
  lengths: number;
  offsets: number;
  slots: FastTextSlotLayout[];
  totalBytes: number;
}

/**
 * The configuration block of a slot (byte offsets in its ctx), read by wasm/fasttext.wat. The chunk-feeding
 * fields (ids, sentenceEnds, rng, lossSum, lossCount, inputSeq, doneSeq) sit at word2vec's CTX offsets so
 * both trainers feed their workers with the same functions; the rest reuses word2vec's other offsets.
 */
export const FT_CTX = {
  rowBytes: 0,
  nwords: 4,
  neg: 8,
  /** LOSS_CODES of the shape's loss. */
  loss: 12,
  cbow: 16,
  ws: 20,
  input: 24,
  output: 28,
  expTable: 32,
  logTable: 36,
  aliasProbability: 40,
  aliasIndex: 44,
  keep: 48,
  codes: 52,
  points: 56,
  lengths: 60,
  offsets: 64,
  subwordOffsets: 68,
  subwordRows: 72,
  ids: CTX.ids,
  sentenceEnds: CTX.sentenceEnds,
  work: 84,
  hidden: 88,
  grad: 92,
  hiddenStart: 136,
  scores: 140,
  lrUpdateRate: 96,
  rng: CTX.rng,
  lossSum: CTX.lossSum,
  lossCount: CTX.lossCount,
  /** Output rows: nwords, or the labels of a supervised model. */
  osz: 144,
  /** 1: supervised examples (labels as targets), 0: skip-gram / CBOW. */
  supervised: 148,
  bytes: CTX.bytes,
} as const;

/** Plans the memory (offsets from 1024, 64-byte aligned). */
export function planFastTextLayout(shape: FastTextShape): FastTextLayout {
  checkShapeInts('fastText', shape, {
    nwords: 1,
    bucket: 0,
    dim: 1,
    subwordRows: shape.nwords,
    neg: 0,
    ws: 1,
    lrUpdateRate: 1,
    huffmanBits: 0,
    maxChunkWords: 1,
    slots: 1,
    inputBuffers: 1,
  });
  const rowFloats = Math.ceil(shape.dim / 4) * 4;
  const rowBytes = rowFloats * 4;
  const memory = arena();
  const take = memory.take;
  const V = shape.nwords;
  const hs = shape.loss === 'hs';
  const ns = shape.loss === 'ns';
  const O = outputRowsOf(shape);
  const input = take((V + shape.bucket) * rowBytes);
  const output = take(O * rowBytes);
  const subwordOffsets = take((V + 1) * 4);
  const subwordRows = take(shape.subwordRows * 4);
  const expTable = take(SIGMOID_ENTRIES * 4);
  const logTable = take(SIGMOID_ENTRIES * 4);
  const keep = take(V * 4);
  const aliasProbability = ns ? take(O * 4) : 0;
  const aliasIndex = ns ? take(O * 4) : 0;
  const codes = hs ? take(shape.huffmanBits) : 0;
  const points = hs ? take(shape.huffmanBits * 4) : 0;
  const lengths = hs ? take(O) : 0;
  const offsets = hs ? take(O * 4) : 0;
  const slots: FastTextSlotLayout[] = [];
  for (let s = 0; s < shape.slots; s++) {
    slots.push({
      ctx: take(CTX.bytes),
      inputs: inputBuffers(take, shape.inputBuffers, shape.maxChunkWords),
      work: take(shape.maxChunkWords * 4),
      hidden: take(rowBytes),
      grad: take(rowBytes),
      hiddenStart: take(rowBytes),
      scores: shape.loss === 'softmax' ? take(O * 4) : 0,
    });
  }
  return { shape, rowFloats, input, output, subwordOffsets, subwordRows, expTable, logTable, keep, aliasProbability, aliasIndex, codes, points, lengths, offsets, slots, totalBytes: memory.end };
}

/** Rows of the output matrix: one per label (supervised) or per word. */
export function outputRowsOf(shape: FastTextShape): number {
  return shape.labels ? shape.labels : shape.nwords;
}

export interface FastTextViews {
  input: Float32Array;
  output: Float32Array;
  subwordOffsets: Int32Array;
  subwordRows: Int32Array;
  expTable: Float32Array;
  logTable: Float32Array;
  keep: Float32Array;
  aliasProbability: Float32Array;
  aliasIndex: Int32Array;
  codes: Uint8Array;
  points: Int32Array;
  lengths: Uint8Array;
  offsets: Int32Array;
}

/** Typed-array views over the arrays of a layout (valid as long as the memory does not grow). */
export function fastTextViewsOf(buffer: ArrayBufferLike, l: FastTextLayout): FastTextViews {
  const sh = l.shape;
  const V = sh.nwords;
  const O = outputRowsOf(sh);
  const { f32, i32, u8 } = viewMakers(buffer);
  return {
    input: f32(l.input, (V + sh.bucket) * l.rowFloats),
    output: f32(l.output, O * l.rowFloats),
    subwordOffsets: i32(l.subwordOffsets, V + 1),
    subwordRows: i32(l.subwordRows, sh.subwordRows),
    expTable: f32(l.expTable, SIGMOID_ENTRIES),
    logTable: f32(l.logTable, SIGMOID_ENTRIES),
    keep: f32(l.keep, V),
    aliasProbability: f32(l.aliasProbability, O),
    aliasIndex: i32(l.aliasIndex, O),
    codes: u8(l.codes, sh.huffmanBits),
    points: i32(l.points, sh.huffmanBits),
    lengths: u8(l.lengths, O),
    offsets: i32(l.offsets, O),
  };
}

/**
 * What the output side reads besides its rows: the Huffman paths (hs loss) or the alias table negatives are drawn
 * from (ns loss); softmax and one-vs-all need neither.
 */
export interface FastTextOutputTables {
  tree?: { codes: ArrayLike<number>; points: ArrayLike<number>; lengths: ArrayLike<number>; offsets: ArrayLike<number> };
  negatives?: { probability: ArrayLike<number>; alias: ArrayLike<number> };
}

/**
 * The last step of filling a training memory, the same for word vectors and classifiers: the output side's tables,
 * then every slot's configuration block.
 */
export function writeFastTextOutputTables(buffer: ArrayBufferLike, l: FastTextLayout, views: FastTextViews, tables: FastTextOutputTables, seed: number): void {
  const { tree, negatives } = tables;
  if (tree) {
    views.codes.set(tree.codes);
    views.points.set(tree.points);
    views.lengths.set(tree.lengths);
    views.offsets.set(tree.offsets);
  } else if (negatives) {
    views.aliasProbability.set(negatives.probability);
    views.aliasIndex.set(negatives.alias);
  }
  for (let s = 0; s < l.slots.length; s++) writeFastTextSlotConfig(buffer, l, s, seed);
}

/** Writes a slot's configuration block: every address and size the kernel reads, its random state, zero loss. */
export function writeFastTextSlotConfig(buffer: ArrayBufferLike, l: FastTextLayout, slot: number, seed: number): void {
  const s = l.slots[slot];
  const sh = l.shape;
  writeConfigBlock(buffer, s.ctx, FT_CTX, [l, s], {
    rowBytes: l.rowFloats * 4,
    nwords: sh.nwords,
    neg: sh.neg,
    loss: LOSS_CODES[sh.loss],
    cbow: sh.cbow ? 1 : 0,
    ws: sh.ws,
    ids: s.inputs[0].ids,
    sentenceEnds: s.inputs[0].sentenceEnds,
    lrUpdateRate: sh.lrUpdateRate,
    osz: outputRowsOf(sh),
    supervised: sh.labels ? 1 : 0,
  }, seedState(seed, slot));
}
