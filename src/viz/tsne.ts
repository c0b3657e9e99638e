import { pca } from './pca.ts';

export interface TsneOptions {
  /** Effective number of neighbours (default 30, lowered for few points to (n − 1) / 3). */
  perplexity?: number;
  iterations?: number;
  learningRate?: number;
}

/**
 * Exact t-SNE (van der Maaten and Hinton 2008) for the few hundred points of a map: O(n²) per iteration.
 * Affinities from Gaussian kernels whose widths are found by bisection to match the perplexity, symmetrized;
 * gradient descent with momentum, per-parameter gains and early exaggeration. Started from PCA (scaled small)
 * rather than random points, so the result is deterministic and the global layout is kept better.
 * Distances are cosine distances of the input (the points are word vectors).
 */
export function tsne(points: readonly ArrayLike<number>[], options: TsneOptions = {}): number[][] {
  const n = points.length;
  if (n <= 2) return pca(points, 2);
  const perplexity = Math.max(2, Math.min(options.perplexity ?? 30, (n - 1) / 3));
  const iterations = options.iterations ?? 750;
  const learningRate = options.learningRate ?? Math.max(n / 12, 50);
  const p = affinities(cosineDistances(points), n, perplexity);

  const start = pca(points, 2);
  let sd = 0;
  for (const [a] of start) sd += a * a;
  sd = Math.sqrt(sd / n) || 1;
  const y = new Float64Array(2 * n);
  start.forEach(([a, b], i) => {
    y[2 * i] = (a / sd) * 1e-4;
    y[2 * i + 1] = (b / sd) * 1e-4;
  });
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const grad = new Float64Array(2 * n);
  const q = new Float64Array(n * n);
  const exaggerationEnd = Math.min(250, Math.floor(iterations / 3));
  for (let it = 0; it < iterations; it++) {
    const exaggeration = it < exaggerationEnd ? 12 : 1;
    const momentum = it < exaggerationEnd ? 0.5 : 0.8;
    // Student-t kernel between every pair of map points.
    let qSum = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const dx = y[2 * i] - y[2 * j];
        const dy = y[2 * i + 1] - y[2 * j + 1];
        const k = 1 / (1 + dx * dx + dy * dy);
        q[i * n + j] = k;
        q[j * n + i] = k;
        qSum += 2 * k;
      }
    }
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        const k = q[i * n + j];
        const m = 4 * (exaggeration * p[i * n + j] - k / qSum) * k;
        grad[2 * i] += m * (y[2 * i] - y[2 * j]);
        grad[2 * i + 1] += m * (y[2 * i + 1] - y[2 * j + 1]);
      }
    }
    for (let d = 0; d < 2 * n; d++) {
      gains[d] = Math.sign(grad[d]) !== Math.sign(update[d]) ? gains[d] + 0.2 : Math.max(0.01, gains[d] * 0.8);
      update[d] = momentum * update[d] - learningRate * gains[d] * grad[d];
      y[d] += update[d];
    }
    // Keep the map centred; t-SNE is translation invariant.
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < n; i++) {
      cx += y[2 * i] / n;
      cy += y[2 * i + 1] / n;
    }
    for (let i = 0; i < n; i++) {
      y[2 * i] -= cx;
      y[2 * i + 1] -= cy;
    }
  }
  return Array.from({ length: n }, (_, i) => [y[2 * i], y[2 * i + 1]]);
}

function cosineDistances(points: readonly ArrayLike<number>[]): Float64Array {
  const n = points.length;
  const dim = points[0].length;
  const unit = points.map((pt) => {
    let s = 0;
    for (let j = 0; j < dim; j++) s += pt[j] * pt[j];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    return Float64Array.from({ length: dim }, (_, j) => pt[j] * inv);
  });
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += unit[i][k] * unit[j][k];
      d[i * n + j] = d[j * n + i] = Math.max(0, 1 - s);
    }
  }
  return d;
}

/** Joint probabilities P (symmetrized conditional Gaussians, each matched to the perplexity by bisection on β). */
function affinities(dist: Float64Array, n: number, perplexity: number): Float64Array {
  const target = Math.log(perplexity);
  const p = new Float64Array(n * n);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let beta = 1;
    let lo = 0;
    let hi = Infinity;
    for (let step = 0; step < 64; step++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        row[j] = j === i ? 0 : Math.exp(-dist[i * n + j] * beta);
        sum += row[j];
      }
      let entropy = 0;
      if (sum === 0) {
        entropy = 0;
      } else {
        for (let j = 0; j < n; j++) {
          if (row[j] > 0) {
            row[j] /= sum;
            entropy -= row[j] * Math.log(row[j]);
          }
        }
      }
      if (Math.abs(entropy - target) < 1e-5) break;
      if (entropy > target) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = (beta + lo) / 2;
      }
    }
    for (let j = 0; j < n; j++) p[i * n + j] = row[j];
  }
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = Math.max((p[i * n + j] + p[j * n + i]) / (2 * n), 1e-12);
  }
  return out;
}
