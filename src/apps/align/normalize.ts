import { InvalidArgumentError } from '../../errors.ts';

/**
 * VecMap's normalisation steps: `unit` scales every row to length 1 (zero rows stay zero), `center` subtracts the
 * mean row, so that the two spaces' clouds sit on the same origin before they are rotated onto each other.
 */
export type NormalizeStep = 'unit' | 'center';

/** The step sequences alignSpaces offers by name; `unit-center-unit` is VecMap's recommended one. */
export const NORMALIZATIONS = ['none', 'unit', 'center', 'unit-center', 'unit-center-unit'] as const;
/** One of NORMALIZATIONS. */
export type Normalization = (typeof NORMALIZATIONS)[number];

/** The steps of a named normalisation. */
export function normalizationSteps(name: Normalization): NormalizeStep[] {
  if (!NORMALIZATIONS.includes(name)) throw new InvalidArgumentError(`normalize must be one of ${NORMALIZATIONS.join(', ')}, got ${String(name)}`);
  return name === 'none' ? [] : (name.split('-') as NormalizeStep[]);
}

/** A normalised copy of `vectors` (row-major, `dim` columns); the input is left as it is. */
export function normalizeRows(vectors: Float32Array, dim: number, steps: readonly NormalizeStep[]): Float32Array {
  const out = Float32Array.from(vectors);
  const n = out.length / dim;
  for (const step of steps) {
    if (step === 'unit') {
      for (let i = 0; i < n; i++) {
        const o = i * dim;
        let s = 0;
        for (let j = 0; j < dim; j++) s += out[o + j] * out[o + j];
        const norm = Math.sqrt(s);
        if (norm > 0) for (let j = 0; j < dim; j++) out[o + j] /= norm;
      }
    } else {
      const mean = new Float64Array(dim);
      for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += out[i * dim + j];
      for (let j = 0; j < dim; j++) mean[j] /= n || 1;
      for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) out[i * dim + j] -= mean[j];
    }
  }
  return out;
}
