import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PYTHON } from '../../helpers/oracles.ts';

/** Runs a numpy script with `d` (the JSON input) bound, and returns what it prints as JSON. */
export function numpy<T>(script: string, input: unknown): T {
  const code = ['import json, sys', 'import numpy as np', 'd = json.load(sys.stdin)', script].join('\n');
  const r = spawnSync(PYTHON, ['-c', code], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** A seeded source of normal deviates (Box–Muller over a linear congruential generator). */
export function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A random d×d orthogonal matrix (Gram–Schmidt of Gaussian rows), row-major. */
export function randomRotation(d: number, normal: () => number): Float64Array {
  const rows: number[][] = [];
  while (rows.length < d) {
    let v = Array.from({ length: d }, normal);
    for (const u of rows) {
      const p = u.reduce((t, ui, k) => t + ui * v[k], 0);
      v = v.map((vi, k) => vi - p * u[k]);
    }
    const n = Math.hypot(...v);
    rows.push(v.map((vi) => vi / n));
  }
  return Float64Array.from(rows.flat());
}

/** n×d float32 rows with unequal scales per column (a decaying spectrum, as word vectors have). */
export function randomRows(n: number, d: number, normal: () => number): Float32Array {
  const x = new Float32Array(n * d);
  for (let i = 0; i < n * d; i++) x[i] = normal() * (1 + 3 / (1 + (i % d)));
  return x;
}

/** Rows of x mapped by W (X·Wᵀ) plus Gaussian noise of the given size, as float32. */
export function rotated(x: Float32Array, d: number, w: Float64Array, noise: number, normal: () => number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length / d; i++) {
    for (let a = 0; a < d; a++) {
      let s = 0;
      for (let b = 0; b < d; b++) s += w[a * d + b] * x[i * d + b];
      out[i * d + a] = s + noise * normal();
    }
  }
  return out;
}

/** Row-major rows as nested arrays, for numpy. */
export function nested(m: ArrayLike<number>, cols: number): number[][] {
  return Array.from({ length: m.length / cols }, (_, i) => Array.from({ length: cols }, (_, j) => m[i * cols + j]));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
