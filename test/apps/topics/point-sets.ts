import { gaussian, seededRandom } from '../../../src/util/random.ts';

/** Seeded test data for clustering: Gaussian blobs of chosen sizes and spreads plus uniform noise over their box. */
export interface Blob {
  centre: number[];
  spread: number;
  size: number;
}

export function blobs(seed: number, list: readonly Blob[], noise = 0): { points: number[][]; truth: number[] } {
  const r = seededRandom(seed);
  const points: number[][] = [];
  const truth: number[] = [];
  list.forEach((b, label) => {
    for (let i = 0; i < b.size; i++) {
      points.push(b.centre.map((c) => c + b.spread * gaussian(r)));
      truth.push(label);
    }
  });
  const dim = list[0].centre.length;
  const lo = Array.from({ length: dim }, (_, k) => Math.min(...list.map((b) => b.centre[k] - 3 * b.spread)));
  const hi = Array.from({ length: dim }, (_, k) => Math.max(...list.map((b) => b.centre[k] + 3 * b.spread)));
  for (let i = 0; i < noise; i++) {
    points.push(lo.map((l, k) => l + (hi[k] - l) * r()));
    truth.push(-1);
  }
  // Shuffled, so cluster numbering and noise positions are not in input order.
  const order = points.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { points: order.map((i) => points[i]), truth: order.map((i) => truth[i]) };
}

/** The seeded sets the tests and the bench compare HDBSCAN implementations on. */
export function pointSets(): { name: string; points: number[][]; truth: number[]; minClusterSize: number; minSamples?: number }[] {
  const c = (x: number, y: number) => [x, y];
  return [
    { name: 'three equal blobs', ...blobs(1, [{ centre: c(0, 0), spread: 1, size: 30 }, { centre: c(10, 0), spread: 1, size: 30 }, { centre: c(5, 9), spread: 1, size: 30 }]), minClusterSize: 5 },
    { name: 'blobs with uniform noise', ...blobs(2, [{ centre: c(0, 0), spread: 1, size: 40 }, { centre: c(12, 3), spread: 1.5, size: 40 }, { centre: c(4, 12), spread: 0.8, size: 25 }], 30), minClusterSize: 8 },
    { name: 'varying density', ...blobs(3, [{ centre: c(0, 0), spread: 0.3, size: 40 }, { centre: c(6, 0), spread: 2, size: 50 }, { centre: c(0, 8), spread: 1, size: 30 }], 15), minClusterSize: 6, minSamples: 4 },
    { name: 'nested: two close blobs and a far one', ...blobs(4, [{ centre: c(0, 0), spread: 0.5, size: 30 }, { centre: c(2.5, 0), spread: 0.5, size: 30 }, { centre: c(30, 30), spread: 3, size: 40 }], 10), minClusterSize: 10 },
    { name: '5-D blobs with noise', ...blobs(5, [{ centre: [0, 0, 0, 0, 0], spread: 1, size: 35 }, { centre: [6, 0, 6, 0, 0], spread: 1, size: 35 }, { centre: [0, 6, 0, 6, 6], spread: 1.2, size: 35 }, { centre: [6, 6, 6, 6, 6], spread: 0.7, size: 20 }], 20), minClusterSize: 7, minSamples: 3 },
    { name: 'one blob (no split)', ...blobs(6, [{ centre: c(0, 0), spread: 1, size: 40 }]), minClusterSize: 25 },
    { name: 'small clusters, minSamples 1', ...blobs(7, [{ centre: c(0, 0), spread: 0.5, size: 6 }, { centre: c(5, 5), spread: 0.5, size: 6 }, { centre: c(10, 0), spread: 0.5, size: 6 }], 5), minClusterSize: 3, minSamples: 1 },
  ];
}

/** Points on an integer grid: many equal distances, so many tied mutual-reachability edges. */
export function gridSet(): { points: number[][]; minClusterSize: number } {
  const points: number[][] = [];
  for (let x = 0; x < 6; x++) for (let y = 0; y < 5; y++) points.push([x, y]);
  for (let x = 10; x < 14; x++) for (let y = 0; y < 4; y++) points.push([x, y]);
  points.push([8, 2]);
  return { points, minClusterSize: 5 };
}
