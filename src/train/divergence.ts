import { EmbedkitError } from '../errors.ts';
import type { StridedMatrix } from './checkpoint-file.ts';

/**
 * Divergence: a learning rate too high for the corpus makes the updates feed on themselves until the rows
 * overflow. Healthy word2vec and fastText rows stay within a few units (the sigmoid saturates at |x| = 6, so
 * larger dot products no longer teach anything); once a value passes this bound the run has diverged, and a
 * little later it turns into Infinity and NaN (where the WebAssembly kernel traps converting a NaN to an index).
 */
export const DIVERGED_MAGNITUDE = 1e5;
const SQUARED_MAGNITUDE = DIVERGED_MAGNITUDE * DIVERGED_MAGNITUDE;

/** Training diverged; `option` is the library option to lower (the CLI names its flag instead). */
export class TrainingDivergedError extends EmbedkitError {
  readonly option = 'alpha';
  constructor(detail: string, alpha: number, keptCheckpoint?: string) {
    const kept = keptCheckpoint ? `; the last healthy state is kept in the checkpoint ${keptCheckpoint}` : '';
    super('diverged', `training diverged (${detail}): the learning rate is too high for this corpus and model; lower alpha (now ${alpha}), e.g. to ${alpha / 10}${kept}; no output was written`);
    this.name = 'TrainingDivergedError';
  }
}

/**
 * The first value of the matrices that is not finite or beyond DIVERGED_MAGNITUDE, described ("syn0 row 12
 * holds NaN"), or undefined when every row is healthy. One pass over the rows: called at pass ends and before
 * checkpoints and output, never per word. `onlyRows` limits a matrix (by name) to the rows it marks.
 */
export function unhealthyValue(
  matrices: Record<string, StridedMatrix | undefined>,
  dim: number,
  onlyRows: Record<string, Uint8Array | undefined> = {},
): string | undefined {
  for (const [name, m] of Object.entries(matrices)) {
    if (!m) continue;
    const { data, rows, stride } = m;
    // A matrix with an entry in onlyRows is read at the rows marked non-zero there (the others were never trained).
    const only = onlyRows[name];
    for (let r = 0; r < rows; r++) {
      if (only && !only[r]) continue;
      const off = r * stride;
      // A row whose squares sum to at most DIVERGED_MAGNITUDE² has no value beyond it: one multiply-add per value
      // and a test per row, twice as fast as a test per value (the end-of-training check reads every trained row).
      // Any other row (a NaN or an infinity makes the sum fail the test too) is read again value by value.
      let even = 0;
      let odd = 0;
      let d = 0;
      for (; d + 1 < dim; d += 2) {
        const a = data[off + d];
        const b = data[off + d + 1];
        even += a * a;
        odd += b * b;
      }
      if (d < dim) even += data[off + d] * data[off + d];
      if (even + odd <= SQUARED_MAGNITUDE) continue;
      for (let j = 0; j < dim; j++) {
        const v = data[off + j];
        // NaN fails both comparisons, hence the negated form.
        if (!(v <= DIVERGED_MAGNITUDE && v >= -DIVERGED_MAGNITUDE)) return `${name} row ${r} holds ${v}`;
      }
    }
  }
  return undefined;
}

/** A kernel failure that divergence causes: the WebAssembly trap on converting a NaN or infinite float to an integer. */
export function isNumericTrap(err: unknown): boolean {
  return err instanceof Error && /float unrepresentable in integer range/i.test(err.message);
}
