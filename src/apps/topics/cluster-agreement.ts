import { InvalidArgumentError } from '../../errors.ts';

/** The contingency table of two labelings (any label values; −1 is a label like any other). */
function contingency(a: ArrayLike<number>, b: ArrayLike<number>) {
  if (a.length !== b.length) throw new InvalidArgumentError(`the two labelings have ${a.length} and ${b.length} items`);
  const cells = new Map<string, { a: number; b: number; k: number }>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const key = `${a[i]}\u0000${b[i]}`;
    const cell = cells.get(key);
    if (cell) cell.k++;
    else cells.set(key, { a: a[i], b: b[i], k: 1 });
    rows.set(a[i], (rows.get(a[i]) ?? 0) + 1);
    cols.set(b[i], (cols.get(b[i]) ?? 0) + 1);
  }
  return { n: a.length, cells: [...cells.values()], rows, cols };
}

const entropy = (sizes: number[], n: number) => -sizes.reduce((s, k) => s + (k / n) * Math.log(k / n), 0);

/**
 * Normalized mutual information of two labelings, I(a; b) / mean(H(a), H(b)) (the arithmetic mean, scikit-learn's
 * default): 1 for the same partition under any renaming, near 0 for unrelated ones.
 * @example
 * ```ts
 * import { normalizedMutualInformation } from 'embedkit/apps';
 * console.log(normalizedMutualInformation([0, 0, 1, 1], [5, 5, 7, 7])); // 1
 * ```
 */
export function normalizedMutualInformation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { n, cells, rows, cols } = contingency(a, b);
  if (n === 0) return 1;
  const ha = entropy([...rows.values()], n);
  const hb = entropy([...cols.values()], n);
  // One class on either side: scikit-learn's convention, 1 when both are a single class, else 0.
  if (ha === 0 || hb === 0) return ha === hb ? 1 : 0;
  let mi = 0;
  for (const { a: x, b: y, k } of cells) mi += (k / n) * Math.log((k * n) / (rows.get(x)! * cols.get(y)!));
  return Math.max(0, Math.min(1, mi / ((ha + hb) / 2)));
}

/**
 * Adjusted Rand index of two labelings (Hubert and Arabie): pair agreement corrected for chance; 1 for the same
 * partition, about 0 for random ones, negative when worse than chance.
 * @example
 * ```ts
 * import { adjustedRandIndex } from 'embedkit/apps';
 * console.log(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])); // 1
 * ```
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { n, cells, rows, cols } = contingency(a, b);
  const pairs = (k: number) => (k * (k - 1)) / 2;
  const index = cells.reduce((s, c) => s + pairs(c.k), 0);
  const ra = [...rows.values()].reduce((s, k) => s + pairs(k), 0);
  const rb = [...cols.values()].reduce((s, k) => s + pairs(k), 0);
  const expected = (ra * rb) / pairs(n);
  const max = (ra + rb) / 2;
  return max === expected ? 1 : (index - expected) / (max - expected);
}
