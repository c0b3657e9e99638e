import { Writable } from 'node:stream';
import { writeFastTextBinStream } from '../../formats/fasttext-bin-write.ts';
import type { FastTextModelData } from '../../vectors/fasttext-model.ts';
import { DenseMatrix } from '../../vectors/fasttext-matrix.ts';
import { EOS } from '../../vectors/subwords.ts';
import { quantizeInOrder, rowOrder } from './quantize.ts';
import { CUTOFF_LIMIT, fastTextCutoffForSize, QuantizedSizes } from './quantize-size.ts';

/** What the retraining after a cutoff needs: the trial's training file and settings (fastText retrains with them). */
export interface RetrainSettings {
  input: string;
  epochs: number;
  alpha: number;
  threads: number;
  labelPrefix: string;
}

/** A model quantized within the size (and its file's bytes), or why it could not be. */
export type SizedModel = { model: FastTextModelData; bytes: number; cutoff: number } | { tooLarge: string; needs: number };

/** Bytes writeFastTextBin would write for the model (counted, not stored). */
export async function fileBytes(model: FastTextModelData): Promise<number> {
  let bytes = 0;
  const counter = new Writable({
    write(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done();
    },
  });
  await writeFastTextBinStream(model, counter);
  counter.end();
  return bytes;
}

/**
 * fastText's Autotune::quantize: with a model size target every trial's model is quantized with qnorm, the output
 * matrix too when it has at least 256 rows, and the trial's dsub; the input rows are cut to what fits and the kept
 * rows retrained with the trial's epoch and lr. The cutoff is fastText's estimate (fastTextCutoffForSize), lowered
 * where the exact size (QuantizedSizes: the words' own bytes count) says the file would not fit; a size that leaves
 * 256 rows or fewer is refused, as fastText refuses it. The written size is then counted, so what is returned fits.
 */
export async function quantizeWithin(model: FastTextModelData, bytes: number, dsub: number, retrain: RetrainSettings, signal?: AbortSignal): Promise<SizedModel> {
  const input = model.input as DenseMatrix;
  const shape = { dsub, qnorm: true, qout: model.output!.rows >= CUTOFF_LIMIT };
  const sizes = new QuantizedSizes(model, shape);
  const order = rowOrder(input, model.vocab.indexOf(EOS));
  const exact = sizes.whole() <= bytes ? input.rows : sizes.mostRowsWithin(order, bytes);
  const estimated = fastTextCutoffForSize(model, shape, bytes);
  const needs = sizes.pruned(order, Math.min(order.length, CUTOFF_LIMIT + 1));
  if (estimated === CUTOFF_LIMIT || (exact < input.rows && exact <= CUTOFF_LIMIT)) {
    return { tooLarge: `quantized with dsub ${dsub}, the model keeps ${CUTOFF_LIMIT} input rows or fewer within ${bytes} bytes`, needs };
  }
  const cutoff = Math.min(estimated, exact);
  const quantized = await quantizeInOrder(model, { ...shape, cutoff, retrain: true, ...retrain, signal }, order);
  const written = await fileBytes(quantized);
  if (written > bytes) return { tooLarge: `quantized with dsub ${dsub} and cutoff ${cutoff}, the model takes ${written} bytes, over ${bytes}`, needs };
  return { model: quantized, bytes: written, cutoff };
}
