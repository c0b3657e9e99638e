import { unitFloat } from './xorshift.ts';

/**
 * The reference kernels' subsampling of one sentence: copies the words ids[start, end) into `work`, dropping a
 * word w whose keep[w] is below 1 when keep[w] < r, r a fresh uniform draw (one draw per such word, none for
 * the others, in sentence order: the WebAssembly kernels draw the same). Without `keep` every word is kept.
 * Returns how many words were kept.
 */
export function subsampleSentence(ids: Int32Array, start: number, end: number, keep: Float32Array | undefined, next: () => number, work: Int32Array): number {
  let n = 0;
  for (let p = start; p < end; p++) {
    const w = ids[p];
    if (keep && keep[w] < 1 && keep[w] < unitFloat(next())) continue;
    work[n++] = w;
  }
  return n;
}
