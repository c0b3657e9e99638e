import { endianness } from 'node:os';
import { EmbedkitError } from '../errors.ts';
import type { FastTextLoss, FastTextModelKind } from '../vectors/fasttext-model.ts';

/**
 * fastText's `.bin` / `.ftz` model files, as fastText 0.9 reads and writes them (all little-endian):
 *
 *   int32 magic 793712314, int32 version 12
 *   args: int32 dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate, float64 t
 *   dictionary: int32 size nwords nlabels, int64 ntokens, int64 pruneidxSize (-1: not pruned),
 *     size × (word bytes, NUL, int64 count, int8 type 0 word / 1 label), pruneidxSize × (int32 bucket, int32 row)
 *   uint8 quantInput, input matrix; uint8 qout, output matrix
 *   dense matrix: int64 m n, m×n float32
 *   quantized matrix: uint8 qnorm, int64 m n, int32 codesize, codesize bytes, quantizer,
 *     [qnorm: m bytes of norm codes, norm quantizer]
 *   quantizer: int32 dim nsubq dsub lastdsub, dim × 256 float32 centroids
 *
 * The first fastText releases wrote the same without magic, version, pruneidxSize and the two flags;
 * those files are read too (version 0), never written.
 */

export const FASTTEXT_MAGIC = 793712314;
export const FASTTEXT_VERSION = 12;

/**
 * True when a file's first 8 bytes look like a fastText model: the magic number, or the header-less
 * first-release layout (int32 dim and window, small positive numbers, where word2vec binary files start
 * with ASCII digits). For format detection: `.bin` is shared with word2vec.
 */
export function isFastTextBinHead(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const first = view.getInt32(0, true);
  if (first === FASTTEXT_MAGIC) return true;
  const ws = view.getInt32(4, true);
  return first >= 1 && first <= LEGACY_MAX_DIM && ws >= 0 && ws <= LEGACY_MAX_WS;
}

/** Bounds that tell a header-less legacy file from a damaged magic number. */
export const LEGACY_MAX_DIM = 100_000;
export const LEGACY_MAX_WS = 10_000;


/** The args fields that hold enums are stored as 1-based codes. */
export const LOSS_CODES: Record<FastTextLoss, number> = { hs: 1, ns: 2, softmax: 3, ova: 4 };
export const MODEL_CODES: Record<FastTextModelKind, number> = { cbow: 1, skipgram: 2, supervised: 3 };
export const LOSSES = Object.keys(LOSS_CODES) as FastTextLoss[];
export const MODELS = Object.keys(MODEL_CODES) as FastTextModelKind[];

/** Dictionary entry types. */
export const ENTRY_WORD = 0;
export const ENTRY_LABEL = 1;
/** Smallest dictionary entry on disk: empty word, NUL, int64 count, int8 type. */
export const MIN_ENTRY_BYTES = 10;

/** fastText .bin files are little-endian; refuses to read or write them elsewhere. */
export function requireLittleEndian(): void {
  // fastText writes native little-endian values and the matrices are read straight into typed arrays.
  if (endianness() !== 'LE') throw new EmbedkitError('unsupported_platform', 'fastText .bin files need a little-endian machine');
}
