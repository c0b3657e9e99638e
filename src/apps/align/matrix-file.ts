import { InvalidArgumentError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';

/**
 * The map as text: a `rows cols` line, then one line of space-separated numbers per row (float64, printed so
 * that they read back to the same values), e.g. for numpy's `np.loadtxt(path, skiprows=1)`.
 * @example
 * ```ts
 * import { formatMatrix } from 'embedkit/apps';
 * console.log(formatMatrix(Float64Array.from([0, -1, 1, 0]), 2)); // "2 2\n0 -1\n1 0\n"
 * ```
 */
export function formatMatrix(matrix: Float64Array, dim: number): string {
  if (matrix.length !== dim * dim) throw new InvalidArgumentError(`a ${dim}×${dim} matrix has ${dim * dim} values, got ${matrix.length}`);
  const lines = [`${dim} ${dim}`];
  for (let i = 0; i < dim; i++) lines.push(Array.from(matrix.subarray(i * dim, (i + 1) * dim), String).join(' '));
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the map as formatMatrix prints it, atomically (a temporary file renamed over the target).
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { saveMatrix } from 'embedkit/apps';
 * await saveMatrix('map.txt', Float64Array.from([1, 0, 0, 1]), 2);
 * console.log(readFileSync('map.txt', 'utf8').split('\n')[0]); // 2 2
 * ```
 */
export async function saveMatrix(path: string, matrix: Float64Array, dim: number): Promise<void> {
  await writeFileAtomic(path, formatMatrix(matrix, dim), 'the mapping matrix');
}
