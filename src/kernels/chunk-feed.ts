/**
 * The chunk feed shared by the word2vec and fastText kernels: the main thread copies runs of whole sentences
 * (word ids) into a worker slot's input buffers in shared memory and publishes them with an atomic sequence
 * number; the worker trains what it finds there and publishes its own. Chunks thus travel through shared
 * memory, not messages. Each slot's configuration block keeps its fields at the CTX offsets.
 */
import { CTX, type InputLayout } from './word2vec-layout.ts';

export function readRng(buffer: ArrayBufferLike, l: ChunkFeedLayout, slot: number): number {
  return new DataView(buffer, l.slots[slot].ctx, CTX.bytes).getInt32(CTX.rng, true);
}

export function writeRng(buffer: ArrayBufferLike, l: ChunkFeedLayout, slot: number, state: number): void {
  new DataView(buffer, l.slots[slot].ctx, CTX.bytes).setInt32(CTX.rng, state | 0, true);
}

/** What one kernel call reports. */
export interface ChunkResult {
  /** Words that survived subsampling (and were trained on). */
  kept: number;
  lossSum: number;
  lossCount: number;
}

/**
 * What the chunk-feeding functions below need of a layout: each slot's configuration block (read at the CTX
 * offsets ids, sentenceEnds, lossSum, lossCount, inputSeq, doneSeq) and its input buffers. Every trainer whose
 * slots keep those fields at those offsets (word2vec, fastText) feeds its workers through them.
 */
export interface ChunkFeedLayout {
  shape: { maxChunkWords: number };
  slots: readonly { ctx: number; inputs: readonly InputLayout[] }[];
}

/** A kernel trains the chunk its slot's configuration points at (`nSentences` sentences); returns words kept. */
export type SlotTrainer = (nSentences: number, alpha: number) => number;

/** A run of whole sentences small enough for one input buffer. */
export interface ChunkPiece {
  ids: Int32Array;
  /** Exclusive sentence ends, relative to `ids`. */
  sentenceEnds: Int32Array;
}

/**
 * Cuts a chunk (word ids, exclusive sentence ends) into pieces of at most `capacity` words at sentence ends;
 * only a sentence longer than `capacity` is itself cut. A chunk that fits comes back as one piece, uncopied.
 */
export function* chunkPieces(ids: Int32Array, sentenceEnds: Int32Array, capacity: number): Generator<ChunkPiece> {
  const total = sentenceEnds.length ? sentenceEnds[sentenceEnds.length - 1] : 0;
  if (total <= capacity) {
    yield { ids: ids.subarray(0, total), sentenceEnds };
    return;
  }
  let pieceStart = 0;
  let ends: number[] = [];
  const flush = (pieceEnd: number): ChunkPiece => {
    const piece = { ids: ids.subarray(pieceStart, pieceEnd), sentenceEnds: Int32Array.from(ends) };
    pieceStart = pieceEnd;
    ends = [];
    return piece;
  };
  let sentStart = 0;
  for (let e = 0; e < sentenceEnds.length; e++) {
    const end = sentenceEnds[e];
    while (sentStart < end) {
      const room = pieceStart + capacity - sentStart;
      // A sentence that does not fit starts a new piece; only one longer than a whole buffer is cut.
      if (room <= 0 || (end - sentStart > room && ends.length > 0)) {
        if (ends.length) yield flush(sentStart);
        else pieceStart = sentStart;
        continue;
      }
      const cut = Math.min(end, sentStart + room);
      ends.push(cut - pieceStart);
      sentStart = cut;
    }
  }
  if (ends.length) yield flush(sentStart);
}

/**
 * Copies a piece into input buffer `input` of a slot; returns the number of sentences. Publishes with an
 * atomic store, so the thread that trains it (after reading the sequence number with Atomics) sees the words.
 */
export function placeInput(buffer: ArrayBufferLike, layout: ChunkFeedLayout, slot: number, input: number, piece: ChunkPiece, seq: number): number {
  const s = layout.slots[slot];
  const b = s.inputs[input];
  const cap = layout.shape.maxChunkWords;
  if (piece.ids.length > cap) throw new RangeError(`chunk piece of ${piece.ids.length} words exceeds the input buffer (${cap})`);
  new Int32Array(buffer, b.ids, cap).set(piece.ids);
  new Int32Array(buffer, b.sentenceEnds, cap + 1).set(piece.sentenceEnds);
  Atomics.store(new Int32Array(buffer, s.ctx, CTX.bytes / 4), CTX.inputSeq / 4, seq);
  return piece.sentenceEnds.length;
}

/**
 * Trains what placeInput put in input buffer `input` of the slot and reads the call's loss. The slot's
 * configuration is pointed at that buffer here, by the training thread, since the main thread may already be
 * filling the other one. The atomics order the model's memory between threads.
 */
export function trainPlaced(buffer: ArrayBufferLike, layout: ChunkFeedLayout, slot: number, input: number, nSentences: number, alpha: number, trainSlot: SlotTrainer): ChunkResult {
  const s = layout.slots[slot];
  const ctx32 = new Int32Array(buffer, s.ctx, CTX.bytes / 4);
  const seq = Atomics.load(ctx32, CTX.inputSeq / 4);
  ctx32[CTX.ids / 4] = s.inputs[input].ids;
  ctx32[CTX.sentenceEnds / 4] = s.inputs[input].sentenceEnds;
  const kept = trainSlot(nSentences, alpha);
  const ctx = new DataView(buffer, s.ctx, CTX.bytes);
  const result = { kept, lossSum: ctx.getFloat64(CTX.lossSum, true), lossCount: ctx.getFloat64(CTX.lossCount, true) };
  Atomics.store(ctx32, CTX.doneSeq / 4, seq);
  return result;
}

/** Waits for nothing, but makes every model write of a slot's finished chunks visible to the calling thread. */
export function acquireSlot(buffer: ArrayBufferLike, layout: ChunkFeedLayout, slot: number): number {
  return Atomics.load(new Int32Array(buffer, layout.slots[slot].ctx, CTX.bytes / 4), CTX.doneSeq / 4);
}

/** Places and trains a chunk in the calling thread, piece by piece (tests, single-threaded use). */
export function feedChunk(
  buffer: ArrayBufferLike,
  layout: ChunkFeedLayout,
  slot: number,
  ids: Int32Array,
  sentenceEnds: Int32Array,
  alpha: number,
  trainSlot: SlotTrainer,
): ChunkResult {
  const result: ChunkResult = { kept: 0, lossSum: 0, lossCount: 0 };
  let seq = 0;
  for (const piece of chunkPieces(ids, sentenceEnds, layout.shape.maxChunkWords)) {
    const n = placeInput(buffer, layout, slot, 0, piece, ++seq);
    const r = trainPlaced(buffer, layout, slot, 0, n, alpha, trainSlot);
    result.kept += r.kept;
    result.lossSum += r.lossSum;
    result.lossCount += r.lossCount;
  }
  return result;
}
