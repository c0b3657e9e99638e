/**
 * Where every Word2Vec array lives inside one (shared) WebAssembly.Memory, so the WebAssembly kernel, the
 * plain TypeScript reference kernel and every worker thread see the same model without copies.
 *
 * Rows are stored with a stride of `rowFloats` = dim rounded up to a multiple of 4, so each row is a whole
 * number of f32x4 lanes. The padding floats start at zero and stay zero (every update adds a multiple of a
 * row whose padding is zero), so they never change a dot product.
 */
import { arena, checkShapeInts, inputBuffers, viewMakers, writeConfigBlock } from './layout-plan.ts';

/** Sigmoid table geometry (word2vec's EXP_TABLE): σ(x) sampled on [-MAX_EXP, MAX_EXP). */
export const EXP_TABLE_SIZE = 1000;
export const MAX_EXP = 6;

/** What decides the sizes of the arrays. */
export interface Word2VecShape {
  vocabSize: number;
  dim: number;
  /** Negative samples per prediction; 0 disables negative sampling. */
  negative: number;
  /** Hierarchical softmax on. */
  hs: boolean;
  cbow: boolean;
  /** CBOW averages the context vectors (true) or sums them (false). */
  cbowMean: boolean;
  /** Maximum window; the effective window of each position is drawn in 1..window. */
  window: number;
  /** Total Huffman code bits over all words (0 when hs is off). */
  huffmanBits: number;
  /** Subsampling on (a keep-probability per word is stored). */
  subsample: boolean;
  /** Words one kernel call may receive (a chunk); also bounds sentence length per call. */
  maxChunkWords: number;
  /** Worker slots (each has its own scratch space and random state). */
  slots: number;
  /**
   * Hierarchical softmax: how many of the most visited inner nodes (those nearest the root, which every
   * prediction updates) each slot trains in a private copy during a kernel call, adding its change to the
   * shared rows at the end of the call (default 0: every node is shared). Only worth it with several threads,
   * which would otherwise contend for those rows' cache lines on every prediction.
   */
  hotRows?: number;
  /**
   * Investigation switches of the update rule (bits of KERNEL_VARIANT; default 0, the rule described in
   * word2vec-reference.ts). Only the word2vec bench's candidate runs set them.
   */
  variant?: number;
  /** Input buffers per slot, so the main thread fills the next chunk while the worker trains one (default 1). */
  inputBuffers?: number;
}

/** Where one chunk waits for the kernel: word ids and exclusive sentence ends. */
export interface InputLayout {
  ids: number;
  sentenceEnds: number;
}

/** Byte offsets of one worker's scratch space and configuration block. */
export interface SlotLayout {
  ctx: number;
  inputs: InputLayout[];
  work: number;
  neu1: number;
  neu1e: number;
  negs: number;
  /** Hierarchical softmax scratch for one Huffman path: 256 row addresses (i32), then 256 floats. */
  path: number;
  /** Private copies of the hot hierarchical-softmax rows, then a snapshot of their values at the call's start. */
  hot: number;
  /** Input-row address of each word of the sentence being trained. */
  rows: number;
}

export interface Word2VecLayout {
  shape: Word2VecShape;
  rowFloats: number;
  syn0: number;
  syn1neg: number;
  syn1: number;
  expTable: number;
  logTable: number;
  /** Alias table of the negative-sampling distribution: keep probability (f32) and alias (i32) per word. */
  aliasProbability: number;
  aliasIndex: number;
  keep: number;
  codes: number;
  points: number;
  lengths: number;
  offsets: number;
  slots: SlotLayout[];
  totalBytes: number;
}

/**
 * The configuration block each kernel call reads (byte offsets inside a slot's ctx). The WAT kernel reads
 * the same offsets; keep the two in step.
 */
export const CTX = {
  rowBytes: 0,
  vocabSize: 4,
  negative: 8,
  hs: 12,
  cbow: 16,
  cbowMean: 20,
  window: 24,
  syn0: 28,
  syn1neg: 32,
  syn1: 36,
  expTable: 40,
  logTable: 44,
  aliasProbability: 48,
  aliasIndex: 52,
  keep: 56,
  codes: 60,
  points: 64,
  lengths: 68,
  offsets: 72,
  ids: 76,
  sentenceEnds: 80,
  work: 84,
  neu1: 88,
  neu1e: 92,
  negs: 96,
  rng: 100,
  /** f64: sum of the loss over predictions made in the last call. */
  lossSum: 104,
  /** f64: number of predictions in the last call. */
  lossCount: 112,
  /** f32 written by the kernel: the sum of the floats it read only to start cache misses early (meaningless). */
  touched: 120,
  /** i32, written with Atomics by the thread that filled an input buffer, read by the thread that trains it. */
  inputSeq: 128,
  /** i32, written with Atomics by the training thread after a chunk, read before the model is read elsewhere. */
  doneSeq: 132,
  /** Address of the slot's Huffman-path scratch (SlotLayout.path). */
  path: 136,
  /** First inner node trained in the private copy (vocabSize − 1, i.e. none, when there are no hot rows). */
  hotStart: 140,
  /** Address of the slot's private hot rows (SlotLayout.hot). */
  hot: 144,
  /** Number of hot rows. */
  hotCount: 148,
  /** Address of the slot's per-word input-row addresses (SlotLayout.rows). */
  rows: 152,
  /** Bits of KERNEL_VARIANT (0: the rule of word2vec-reference.ts). */
  variant: 156,
  bytes: 160,
} as const;

/**
 * Switches that put back an older or a peer's rule, for the bench's candidate runs only (Word2VecShape.variant):
 * `sharedNegatives`, skip-gram's negatives drawn once per centre word and reused for every context word of its
 * window (embedkit's rule before per-pair negatives); `skipSaturated`, negative sampling leaves a prediction
 * with |f| ≥ MAX_EXP alone, as gensim does, instead of clamping σ to 0/1 as word2vec C does; `hotEveryChunk`, the
 * threads' private copies of the hot hierarchical-softmax rows are merged into the shared rows once per chunk
 * instead of after every sentence (embedkit's rule before issue 17's window-10 cell).
 */
export const KERNEL_VARIANT = { sharedNegatives: 1, skipSaturated: 2, hotEveryChunk: 4 } as const;

/**
 * Negatives of one prediction in a slot's negs area: a count, then `negative` row addresses (the WebAssembly
 * kernel) or word ids (the reference). Skip-gram has one such block per context word of the window.
 */
export function negBlockInts(negative: number): number {
  return negative + 1;
}

/** Plans the memory; offsets start at 1024 so address arithmetic never comes near zero. */
export function planLayout(shape: Word2VecShape): Word2VecLayout {
  validateShape(shape);
  const rowFloats = Math.ceil(shape.dim / 4) * 4;
  const rowBytes = rowFloats * 4;
  const memory = arena();
  const take = memory.take;
  const V = shape.vocabSize;
  const syn0 = take(V * rowBytes);
  const syn1neg = shape.negative > 0 ? take(V * rowBytes) : 0;
  const syn1 = shape.hs ? take(Math.max(V - 1, 1) * rowBytes) : 0;
  const expTable = take(EXP_TABLE_SIZE * 4);
  const logTable = take(EXP_TABLE_SIZE * 4);
  const aliasProbability = shape.negative > 0 ? take(V * 4) : 0;
  const aliasIndex = shape.negative > 0 ? take(V * 4) : 0;
  const keep = shape.subsample ? take(V * 4) : 0;
  const codes = shape.hs ? take(shape.huffmanBits) : 0;
  const points = shape.hs ? take(shape.huffmanBits * 4) : 0;
  const lengths = shape.hs ? take(V) : 0;
  const offsets = shape.hs ? take(V * 4) : 0;
  const slots: SlotLayout[] = [];
  for (let s = 0; s < shape.slots; s++) {
    slots.push({
      ctx: take(CTX.bytes),
      inputs: inputBuffers(take, shape.inputBuffers ?? 1, shape.maxChunkWords),
      work: take(shape.maxChunkWords * 4),
      neu1: take(rowBytes),
      neu1e: take(rowBytes),
      // one block of negatives per prediction of a position: 2·window for skip-gram
      negs: take(2 * shape.window * negBlockInts(shape.negative) * 4),
      path: take(shape.hs ? 2048 : 0),
      hot: take(2 * hotRowsOf(shape) * rowBytes),
      rows: take(shape.maxChunkWords * 4),
    });
  }
  return { shape, rowFloats, syn0, syn1neg, syn1, expTable, logTable, aliasProbability, aliasIndex, keep, codes, points, lengths, offsets, slots, totalBytes: memory.end };
}

/** Hot rows actually used: none without hierarchical softmax, never more than the inner nodes. */
export function hotRowsOf(s: Word2VecShape): number {
  return s.hs ? Math.min(s.hotRows ?? 0, Math.max(s.vocabSize - 1, 0)) : 0;
}

function validateShape(s: Word2VecShape): void {
  checkShapeInts('word2vec', { ...s, inputBuffers: s.inputBuffers ?? 1, hotRows: s.hotRows ?? 0 }, {
    vocabSize: 1,
    dim: 1,
    negative: 0,
    window: 1,
    huffmanBits: 0,
    maxChunkWords: 1,
    slots: 1,
    inputBuffers: 1,
    hotRows: 0,
  });
  if (s.negative === 0 && !s.hs) throw new RangeError('word2vec layout: negative 0 needs hierarchical softmax');
}

/** Typed-array views over the arrays of a layout (valid as long as the memory does not grow). */
export interface Word2VecViews {
  syn0: Float32Array;
  syn1neg: Float32Array;
  syn1: Float32Array;
  expTable: Float32Array;
  logTable: Float32Array;
  aliasProbability: Float32Array;
  aliasIndex: Int32Array;
  keep: Float32Array;
  codes: Uint8Array;
  points: Int32Array;
  lengths: Uint8Array;
  offsets: Int32Array;
}

export function viewsOf(buffer: ArrayBufferLike, l: Word2VecLayout): Word2VecViews {
  const V = l.shape.vocabSize;
  const rows = V * l.rowFloats;
  const { f32, i32, u8 } = viewMakers(buffer);
  return {
    syn0: f32(l.syn0, rows),
    syn1neg: f32(l.syn1neg, rows),
    syn1: f32(l.syn1, Math.max(V - 1, 1) * l.rowFloats),
    expTable: f32(l.expTable, EXP_TABLE_SIZE),
    logTable: f32(l.logTable, EXP_TABLE_SIZE),
    aliasProbability: f32(l.aliasProbability, V),
    aliasIndex: i32(l.aliasIndex, V),
    keep: f32(l.keep, V),
    codes: u8(l.codes, l.shape.huffmanBits),
    points: i32(l.points, l.shape.huffmanBits),
    lengths: u8(l.lengths, V),
    offsets: i32(l.offsets, V),
  };
}

/** Fills the sigmoid and log-sigmoid tables (σ sampled at the left edge of each of EXP_TABLE_SIZE cells). */
export function fillTables(v: Word2VecViews): void {
  fillSigmoidTables(v.expTable, v.logTable);
}

/** σ and log σ at the left edge of each of EXP_TABLE_SIZE cells over [-MAX_EXP, MAX_EXP) (word2vec; fastText has its own table). */
export function fillSigmoidTables(expTable: Float32Array, logTable: Float32Array): void {
  for (let i = 0; i < EXP_TABLE_SIZE; i++) {
    const x = ((i / EXP_TABLE_SIZE) * 2 - 1) * MAX_EXP;
    const s = 1 / (1 + Math.exp(-x));
    expTable[i] = s;
    logTable[i] = Math.log(s);
  }
}

/** Writes a slot's configuration block (everything the kernel reads besides the chunk itself). */
export function writeSlotConfig(buffer: ArrayBufferLike, l: Word2VecLayout, slot: number, seed: number): void {
  const s = l.slots[slot];
  const sh = l.shape;
  const hotRows = hotRowsOf(sh);
  writeConfigBlock(buffer, s.ctx, CTX, [l, s], {
    rowBytes: l.rowFloats * 4,
    vocabSize: sh.vocabSize,
    negative: sh.negative,
    hs: sh.hs ? 1 : 0,
    cbow: sh.cbow ? 1 : 0,
    cbowMean: sh.cbowMean ? 1 : 0,
    window: sh.window,
    ids: s.inputs[0].ids,
    sentenceEnds: s.inputs[0].sentenceEnds,
    hotStart: sh.vocabSize - 1 - hotRows,
    hotCount: hotRows,
    variant: sh.variant ?? 0,
  }, seedState(seed, slot));
}

/** A non-zero xorshift32 state from a user seed and a slot number (distinct streams per worker). */
export function seedState(seed: number, slot: number): number {
  let x = (Math.trunc(seed) ^ Math.imul(slot + 1, 0x9e3779b9)) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x ^= x >>> 16;
  return x === 0 ? 0x6d2b79f5 : x;
}

