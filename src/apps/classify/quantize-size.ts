import type { FastTextModelData } from '../../vectors/fasttext-model.ts';

/**
 * The sizes of the `.ftz` files quantizeFastTextModel's settings give, before any k-means is run: fastText's own
 * estimate (what its autotune picks the cutoff by), and the exact size of the file writeFastTextBin writes.
 */

/** fastText's kCutoffLimit: autotune refuses a size that leaves this many input rows or fewer. */
export const CUTOFF_LIMIT = 256;

/** Centroids per product-quantizer slice (one byte per code). */
const KSUB = 256;
const utf8 = new TextEncoder();

/** What the quantization keeps per row and how: the settings that change the file's size. */
export interface QuantizedShape {
  dsub: number;
  qnorm: boolean;
  qout: boolean;
}

/** Bytes of a product quantizer as saved: dim, nsubq, dsub, lastdsub, then dim × 256 float centroids. */
const quantizerBytes = (dim: number) => 16 + 4 * dim * KSUB;

/**
 * fastText's Autotune::getCutoffForFileSize: the input rows a file of `bytes` holds by its estimate (107 bytes
 * of header, the input's centroids and the output matrix; per row its codes, its norm's code and 10 bytes of
 * dictionary entry), at least CUTOFF_LIMIT. It does not count the words' own bytes, so it can overshoot.
 */
export function fastTextCutoffForSize(model: FastTextModelData, shape: QuantizedShape, bytes: number): number {
  const outM = model.output!.rows;
  const outN = model.output!.dim;
  const outModelSize = shape.qout ? 21 + outM * Math.trunc((outN + 1) / 2) + 16 + 4 * outN * KSUB + (shape.qnorm ? outM : 0) : 16 + 4 * outM * outN;
  const dim = model.input.dim;
  // int arithmetic as in C++: the target truncated to 32 bits, the division towards zero.
  const target = (bytes - 107 - 4 * KSUB * dim - outModelSize) | 0;
  const cutoff = Math.trunc(target / (Math.trunc((dim + shape.dsub - 1) / shape.dsub) + (shape.qnorm ? 1 : 0) + 10));
  return Math.max(cutoff, CUTOFF_LIMIT);
}

/** The exact file sizes of a quantized model as a function of the input rows kept. */
export class QuantizedSizes {
  /** Bytes of everything but the input rows and the words' dictionary entries. */
  private readonly fixed: number;
  private readonly perRow: number;

  constructor(
    private readonly model: FastTextModelData,
    shape: QuantizedShape,
  ) {
    const { input, labels } = model;
    const output = model.output!;
    const dim = input.dim;
    const nsubq = Math.ceil(dim / shape.dsub);
    this.perRow = nsubq + (shape.qnorm ? 1 : 0);
    const normQuantizer = shape.qnorm ? quantizerBytes(1) : 0;
    // magic, version, 12 int32 args and a double; the dictionary's sizes, token count and prune index size.
    let fixed = 8 + 12 * 4 + 8 + 3 * 4 + 2 * 8;
    for (let i = 0; i < labels.size; i++) fixed += this.entryBytes(model.vocab.size + i, labels.word(i));
    // The input: its quantized flag, qnorm flag, rows, dim, code count, the quantizers.
    fixed += 1 + 1 + 8 + 8 + 4 + quantizerBytes(dim) + normQuantizer;
    fixed += 1 + (shape.qout ? 1 + 8 + 8 + 4 + output.rows * Math.ceil(output.dim / 2) + quantizerBytes(output.dim) + (shape.qnorm ? output.rows + normQuantizer : 0) : 8 + 8 + 4 * output.rows * output.dim);
    this.fixed = fixed;
  }

  /** A dictionary entry: the word's bytes, NUL, int64 count, entry type. */
  private entryBytes(entry: number, word: string): number {
    return (this.model.rawWords?.get(entry)?.length ?? utf8.encode(word).length) + 10;
  }

  /** The file's size with every input row kept (no cutoff). */
  whole(): number {
    let words = 0;
    for (let i = 0; i < this.model.vocab.size; i++) words += this.entryBytes(i, this.model.vocab.word(i));
    return this.fixed + words + this.model.input.rows * this.perRow;
  }

  /**
   * The most rows of `order` (rows in the order a cutoff keeps them) whose pruned file fits in `bytes`: each kept
   * word costs its dictionary entry, each kept bucket its prune index pair (two int32), both their codes. 0 when
   * not even the fixed part fits.
   */
  mostRowsWithin(order: readonly number[], bytes: number): number {
    const nwords = this.model.vocab.size;
    let size = this.fixed;
    for (let k = 0; k < order.length; k++) {
      const row = order[k];
      size += this.perRow + (row < nwords ? this.entryBytes(row, this.model.vocab.word(row)) : 8);
      if (size > bytes) return k;
    }
    return order.length;
  }

  /** The file's size with the first `rows` rows of `order` kept (pruned). */
  pruned(order: readonly number[], rows: number): number {
    const nwords = this.model.vocab.size;
    let size = this.fixed;
    for (let k = 0; k < rows; k++) size += this.perRow + (order[k] < nwords ? this.entryBytes(order[k], this.model.vocab.word(order[k])) : 8);
    return size;
  }
}
