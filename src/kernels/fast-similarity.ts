/**
 * Fast nearest-neighbour search over unit rows, exact by construction.
 *
 * A query first scans a compact int8 copy of the unit rows (a quarter of the bytes, so about four
 * times less memory traffic than float32), then rescores with the exact float32 kernel every row
 * that the int8 score cannot rule out. The int8 score of each row is within a bound B of its exact
 * float32 score, and B is proved, not estimated (see `errorBound`), so the candidates always contain
 * the exact top k and the answer is the one a full exact scan gives, scores bit for bit.
 *
 * Memory, laid out once per model inside one WebAssembly.Memory so nothing is copied per query:
 *   unit rows f32 V×dim | int8 rows V×dpad | row scales f32 V | queries f32 | queries i16 | query
 *   scales | scores f32 QB×V | candidate rows i32 V | candidate scores f32 V | row values f32 V
 */
import { compileKernel } from './wasm.ts';
import type { Scored } from './topk.ts';

/** How many queries share one pass over the matrix in a batch. */
const BATCH = 16;
/** wasm32 addresses 4 GiB; models that need more use the reference kernels. */
const MAX_BYTES = 4 * 1024 ** 3 - 64 * 1024;
const U = 2 ** -24; // unit roundoff of float32
/** Rows whose k-th best approximate score sets the first candidate threshold. */
const PREFIX = 8192;

interface Exports {
  dot_rows(mat: number, dim: number, start: number, end: number, q: number, out: number): void;
  dot_gather(mat: number, dim: number, idx: number, n: number, q: number, out: number): void;
  approx_rows(rows8: number, dpad: number, scales: number, start: number, end: number, q16: number, qscale: number, out: number): void;
  approx_rows_batch(rows8: number, dpad: number, scales: number, start: number, end: number, q16: number, nq: number, qscales: number, out: number, outStride: number): void;
  filter_at_least(scores: number, n: number, threshold: number, idx: number): number;
}

let pending: Promise<WebAssembly.Module | null> | undefined;
let compiled: WebAssembly.Module | null | undefined;

/**
 * Starts compiling the kernel (once per process) and resolves to it, or to null where WebAssembly
 * SIMD is missing; callers then keep to the reference kernels.
 */
export function loadSimilarityKernel(): Promise<WebAssembly.Module | null> {
  pending ??= compileKernel('similarity').then(
    (m) => (compiled = m),
    () => (compiled = null),
  );
  return pending;
}

/** The compiled kernel if compilation has finished, without waiting. */
export function similarityKernelNow(): WebAssembly.Module | null | undefined {
  return compiled;
}

/** Options for tests and benchmarks; the defaults are what queries use. */
export interface SearchOptions {
  /** Scan the int8 copy first (default true); false scans the float32 rows only. */
  compact?: boolean;
}

/** Query statistics of the last call, for tests and benchmarks. */
export interface SearchStats {
  candidates: number;
  bound: number;
}

/** bestRows's options; without either, the best row is the plain nearest neighbour. */
export interface BestRowOptions {
  /** CSLS without the query's own term (which cannot change a query's best row): row j scores 2·cos − penalty[j]. */
  penalty?: Float32Array;
  /**
   * VecMap's stochastic dictionary induction: before the argmax, row j's score is replaced by 0 unless u_j < keep,
   * where `fill` writes the uniforms u_j in [0, 1) of one query, one per row (called once per query, in order).
   */
  dropout?: { keep: number; fill: (uniforms: Float64Array) => void };
}

/** bestRows's answer, one entry per query. */
export interface BestRows {
  /** The best row. */
  best: Int32Array;
  /** The highest plain cosine over all rows (NaN where no row has one). */
  maxCosine: Float32Array;
  /** The plain cosine of the best row. */
  bestCosine: Float32Array;
}

export class SimilarityIndex {
  readonly size: number;
  readonly dim: number;
  /** Unit rows (zero rows stay zero), a view into the kernel's memory. */
  readonly unit: Float32Array;
  /** L2 norm of each raw row. */
  readonly norms: Float32Array;
  /** Rows whose vector is all zeros: their cosine is undefined (NaN), as in gensim. */
  readonly zeroRows: Int32Array;
  /** Stats of the last search (candidates rescored, bound used). */
  lastStats: SearchStats = { candidates: 0, bound: 0 };

  private readonly k: Exports;
  private readonly memory: WebAssembly.Memory;
  private readonly dpad: number;
  private readonly qmax: number;
  private readonly at: Record<'unit' | 'rows8' | 'scales' | 'qf32' | 'q16' | 'qscales' | 'out' | 'cand' | 'candOut' | 'values', number>;
  /** max over rows of ‖u − ũ‖ (ũ the dequantized int8 row), of ‖ũ‖ and of ‖u‖. */
  private readonly maxQuantError: number;
  private readonly maxDequantNorm: number;
  private readonly maxUnitNorm: number;
  private zeroLookup?: Set<number>;

  /**
   * Builds the index of `vectors` (V×dim) if the kernel is compiled and the model fits in wasm32
   * memory; otherwise returns null and callers use the reference kernels.
   */
  static tryCreate(vectors: Float32Array, dim: number): SimilarityIndex | null {
    const mod = compiled;
    if (!mod) return null;
    const index = new SimilarityIndex(mod, vectors, dim);
    return index.memory ? index : null;
  }

  private constructor(mod: WebAssembly.Module, vectors: Float32Array, dim: number) {
    const n = vectors.length / dim;
    this.size = n;
    this.dim = dim;
    this.dpad = Math.ceil(dim / 16) * 16;
    // The largest int16 query value such that no i32 sum can overflow: |Σ q8·q16| ≤ dpad·127·qmax.
    this.qmax = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * this.dpad)));
    const sizes = {
      unit: n * dim * 4,
      rows8: n * this.dpad,
      scales: n * 4,
      qf32: BATCH * this.dpad * 4,
      q16: BATCH * this.dpad * 2,
      qscales: BATCH * 4,
      out: BATCH * n * 4,
      cand: n * 4,
      candOut: n * 4,
      values: n * 4, // bestRows's per-row values, filtered by the kernel
    };
    let offset = 0;
    const at = {} as SimilarityIndex['at'];
    for (const [name, bytes] of Object.entries(sizes) as [keyof typeof sizes, number][]) {
      at[name] = offset;
      offset += Math.ceil(bytes / 16) * 16;
    }
    this.at = at;
    this.norms = new Float32Array(n);
    if (offset > MAX_BYTES) {
      // Signal "does not fit" to tryCreate without throwing.
      this.memory = undefined as unknown as WebAssembly.Memory;
      this.k = undefined as unknown as Exports;
      this.unit = new Float32Array(0);
      this.zeroRows = new Int32Array(0);
      this.maxQuantError = this.maxDequantNorm = this.maxUnitNorm = 0;
      return;
    }
    const pages = Math.ceil(offset / 65536);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.k = new WebAssembly.Instance(mod, { env: { memory: this.memory } }).exports as unknown as Exports;
    this.unit = new Float32Array(this.memory.buffer, at.unit, n * dim);
    const stats = this.fillRows(vectors);
    this.zeroRows = stats.zeroRows;
    this.maxQuantError = stats.maxQuantError;
    this.maxDequantNorm = stats.maxDequantNorm;
    this.maxUnitNorm = stats.maxUnitNorm;
  }

  /**
   * Unit rows, their int8 copies with one scale per row (max |u_j| / 127), and the largest
   * quantization error ‖u − scale·q‖ over all rows, computed exactly in float64 from the float32
   * scale the kernel multiplies by.
   */
  private fillRows(vectors: Float32Array) {
    const { dim, dpad, size: n, unit, norms } = this;
    const rows8 = new Int8Array(this.memory.buffer, this.at.rows8, n * dpad);
    const scales = new Float32Array(this.memory.buffer, this.at.scales, n);
    const zero: number[] = [];
    let maxQuantError = 0;
    let maxDequantNorm = 0;
    let maxUnitNorm = 0;
    for (let r = 0; r < n; r++) {
      const o = r * dim;
      let ss = 0;
      for (let j = 0; j < dim; j++) ss += vectors[o + j] * vectors[o + j];
      const nr = Math.sqrt(ss);
      norms[r] = nr;
      if (nr === 0) {
        zero.push(r);
        scales[r] = NaN; // the kernel's score of a zero row is then NaN, never a neighbour
        continue;
      }
      let maxAbs = 0;
      let uu = 0;
      for (let j = 0; j < dim; j++) {
        unit[o + j] = vectors[o + j] / nr; // rounded to float32 as the reference rows are
        const x = unit[o + j];
        uu += x * x;
        if (Math.abs(x) > maxAbs) maxAbs = Math.abs(x);
      }
      const scale = Math.fround(maxAbs / 127);
      scales[r] = scale;
      const p = r * dpad;
      let ee = 0;
      let dd = 0;
      for (let j = 0; j < dim; j++) {
        const x = unit[o + j];
        const q = Math.max(-127, Math.min(127, Math.round(x / scale)));
        rows8[p + j] = q;
        const d = q * scale; // exact in float64 (24-bit × 8-bit)
        ee += (x - d) * (x - d);
        dd += d * d;
      }
      maxQuantError = Math.max(maxQuantError, Math.sqrt(ee));
      maxDequantNorm = Math.max(maxDequantNorm, Math.sqrt(dd));
      maxUnitNorm = Math.max(maxUnitNorm, Math.sqrt(uu));
    }
    return { zeroRows: Int32Array.from(zero), maxQuantError, maxDequantNorm, maxUnitNorm };
  }

  /** out[r − start] = exact float32 dot of unit row r and `query`, for r in [start, end). */
  scoreRows(query: ArrayLike<number>, start: number, end: number, out: Float32Array): void {
    const n = end - start;
    if (n <= 0) return;
    this.putQuery(query, 0);
    this.k.dot_rows(this.at.unit, this.dim, start, end, this.at.qf32, this.at.out);
    out.set(new Float32Array(this.memory.buffer, this.at.out, n));
  }

  /**
   * The k rows in [0, end) with the highest cosine to `query` (best first, ties to the lower row),
   * never rows in `skip` nor zero rows. Equal to sorting an exact scan (`scoreRows`).
   */
  topK(query: ArrayLike<number>, k: number, end: number, skip: readonly number[], options: SearchOptions = {}): Scored[] {
    if (k <= 0 || end <= 0) return [];
    this.putQuery(query, 0);
    if (options.compact === false || end < 4 * k) return this.exactTopK(0, end, k, skip);
    const { scale, bound } = this.quantizeQuery(0);
    if (!(scale > 0)) return this.exactTopK(0, end, k, skip);
    this.k.approx_rows(this.at.rows8, this.dpad, this.at.scales, 0, end, this.at.q16, scale, this.at.out);
    return this.refine(new Float32Array(this.memory.buffer, this.at.out, end), 0, end, k, skip, bound);
  }

  /**
   * The int8 scores of rows [0, end) against `query` and the bound B with |int8 score − exact score|
   * ≤ B for every row (a copy; for tests and diagnostics).
   */
  approximate(query: ArrayLike<number>, end: number): { scores: Float32Array; bound: number } {
    this.putQuery(query, 0);
    const { scale, bound } = this.quantizeQuery(0);
    this.k.approx_rows(this.at.rows8, this.dpad, this.at.scales, 0, end, this.at.q16, scale, this.at.out);
    return { scores: new Float32Array(this.memory.buffer, this.at.out, end).slice(), bound };
  }

  /** topK for many queries, sharing each pass over the int8 rows among up to 16 queries. */
  topKBatch(queries: readonly ArrayLike<number>[], k: number, end: number, skips: readonly (readonly number[])[], options: SearchOptions = {}): Scored[][] {
    const results: Scored[][] = [];
    if (options.compact === false || end < 4 * k) {
      for (let i = 0; i < queries.length; i++) results.push(this.topK(queries[i], k, end, skips[i], options));
      return results;
    }
    this.batchScan(queries, end, (i, approx, bound) => {
      if (k <= 0 || end <= 0) results.push([]);
      else if (!approx) results.push(this.exactTopK(0, end, k, skips[i]));
      else results.push(this.refine(approx, 0, end, k, skips[i], bound));
    });
    return results;
  }

  /**
   * One int8 pass over rows [0, end) per 16 queries; then, query by query in order, moves query i to slot 0 (where
   * refine and the exact scans read it) and calls visit with its int8 scores and bound, or null scores where the
   * query cannot be quantized (a zero or non-finite query: only an exact scan answers it).
   */
  private batchScan(queries: readonly ArrayLike<number>[], end: number, visit: (i: number, approx: Float32Array | null, bound: number) => void): void {
    for (let first = 0; first < queries.length; first += BATCH) {
      const count = Math.min(BATCH, queries.length - first);
      const padded = Math.ceil(count / 4) * 4;
      const scales = new Float32Array(this.memory.buffer, this.at.qscales, BATCH);
      const bounds: number[] = [];
      for (let i = 0; i < padded; i++) {
        if (i < count) {
          this.putQuery(queries[first + i], i);
          const q = this.quantizeQuery(i);
          scales[i] = q.scale;
          bounds.push(q.bound);
        } else {
          new Int16Array(this.memory.buffer, this.at.q16 + i * this.dpad * 2, this.dpad).fill(0);
          scales[i] = 0;
        }
      }
      if (end > 0) this.k.approx_rows_batch(this.at.rows8, this.dpad, this.at.scales, 0, end, this.at.q16, padded, this.at.qscales, this.at.out, this.size);
      for (let i = 0; i < count; i++) {
        if (i > 0) new Float32Array(this.memory.buffer, this.at.qf32, this.dpad).set(new Float32Array(this.memory.buffer, this.at.qf32 + i * this.dpad * 4, this.dpad));
        const approx = scales[i] > 0 ? new Float32Array(this.memory.buffer, this.at.out + i * this.size * 4, end) : null;
        visit(first + i, approx, bounds[i]);
      }
    }
  }

  /**
   * For each of the first `count` rows of `queries` (count×dim, row-major), the mean of its `k` best exact scores
   * among rows [0, end): CSLS's neighbourhood mean r (Conneau et al. 2018) when the queries are unit rows. The k
   * scores are topKBatch's (bit for bit those of an exact scan), summed best first in float64, so the mean equals
   * the one taken over a reference scan's neighbour list. NaN where fewer than k rows can be neighbours (zero rows
   * never are) or k < 1.
   */
  meanTopK(queries: Float32Array, count: number, k: number, end: number): Float32Array {
    const { dim } = this;
    if (queries.length < count * dim) throw new RangeError(`${count} queries need ${count * dim} floats, got ${queries.length}`);
    if (end > this.size) throw new RangeError(`rows [0, ${end}) asked of an index of ${this.size}`);
    const out = new Float32Array(count).fill(NaN);
    if (k <= 0 || end <= 0) return out;
    const views: Float32Array[] = [];
    for (let i = 0; i < count; i++) views.push(queries.subarray(i * dim, (i + 1) * dim));
    if (end < 4 * k) {
      // Too few rows for the int8 pass to rule any out: topK's exact scans.
      views.forEach((q, i) => (out[i] = meanOf(this.topK(q, k, end, []).map((n) => n.score), k)));
      return out;
    }
    this.batchScan(views, end, (i, approx, bound) => {
      const scores = approx ? this.refineScores(approx, 0, end, k, [], bound) : null;
      out[i] = topMean(scores ?? this.exactScores(0, end, []), k);
    });
    return out;
  }

  /**
   * For each of the first `count` rows of `queries` (count×dim, row-major), its best row among rows [0, end) and
   * the highest plain cosine over those rows: the argmax step of dictionary induction (nearest neighbour, or CSLS
   * with `penalty`, optionally with VecMap's stochastic dropout). The answer is the brute-force one, by definition:
   * with s_j the exact float32 score of row j (what `scoreRows` gives; NaN for zero rows), v_j = s_j, or
   * 2·s_j − penalty[j] in float64 with a penalty; with dropout, v_j = 0 for each row that it drops; the best
   * row is the lowest j with the largest v_j, NaN values never counting (row 0 when no v_j is a number). Each
   * query's rows are scanned in int8 (16 queries a pass) and only the rows whose int8 value is within twice its
   * proved error of the best int8 value are rescored exactly, so the brute-force argmax is always among them.
   */
  bestRows(queries: Float32Array, count: number, end: number, options: BestRowOptions = {}): BestRows {
    const { dim } = this;
    if (queries.length < count * dim) throw new RangeError(`${count} queries need ${count * dim} floats, got ${queries.length}`);
    if (end > this.size) throw new RangeError(`rows [0, ${end}) asked of an index of ${this.size}`);
    const { penalty, dropout } = options;
    if (penalty && penalty.length < end) throw new RangeError(`a penalty for ${end} rows needs ${end} values, got ${penalty.length}`);
    const out: BestRows = { best: new Int32Array(count), maxCosine: new Float32Array(count).fill(NaN), bestCosine: new Float32Array(count).fill(NaN) };
    if (end <= 0) return out;
    // v_j is stored rounded to float32 for the kernel's filter: at most half an ulp of |v| ≤ 2·(1 + B) + |penalty|.
    let maxPenalty = 0;
    if (penalty) for (let j = 0; j < end; j++) if (Math.abs(penalty[j]) > maxPenalty) maxPenalty = Math.abs(penalty[j]);
    const rounding = (4 + maxPenalty) * U;
    const values = new Float32Array(this.memory.buffer, this.at.values, end);
    const uniforms = dropout ? new Float64Array(end) : null;
    const keep = dropout?.keep ?? 1;
    const views: Float32Array[] = [];
    for (let i = 0; i < count; i++) views.push(queries.subarray(i * dim, (i + 1) * dim));
    this.batchScan(views, end, (i, approx, bound) => {
      // A query the int8 pass cannot take is scanned exactly: the same selection with no int8 error.
      const scores = approx ?? this.exactScores(0, end, []);
      const b = approx ? bound : 0;
      if (uniforms) dropout!.fill(uniforms);
      // One pass: the best int8 cosine and, with a penalty or dropout, each row's value v_j (NaN where dropped).
      let topCos = -Infinity;
      let topValue = -Infinity;
      let firstDropped = -1;
      if (!penalty && !uniforms) {
        for (let j = 0; j < end; j++) if (scores[j] > topCos) topCos = scores[j];
      } else {
        for (let j = 0; j < end; j++) {
          const a = scores[j];
          if (a > topCos) topCos = a;
          let v = penalty ? 2 * a - penalty[j] : a;
          if (uniforms && !(uniforms[j] < keep)) {
            if (firstDropped < 0) firstDropped = j;
            v = NaN;
          }
          values[j] = v;
          if (v > topValue) topValue = v;
        }
      }
      const cos = this.bestCandidates(scores, topCos, b, (c) => this.exactCosines(c));
      out.maxCosine[i] = cos.value;
      if (!penalty && !uniforms) {
        out.best[i] = cos.row;
      } else {
        const kept = this.bestCandidates(values, topValue, (penalty ? 2 : 1) * b + rounding, (c) => {
          const s = this.exactCosines(c);
          const v = new Float64Array(s.length);
          for (let t = 0; t < s.length; t++) v[t] = penalty ? 2 * s[t] - penalty[c[t]] : s[t];
          return v;
        });
        // Dropped rows score 0: they win when every kept value is below 0, and ties at 0 go to the lower row.
        if (firstDropped < 0 || kept.value > 0) out.best[i] = kept.row;
        else if (kept.value === 0) out.best[i] = Math.min(firstDropped, kept.row);
        else out.best[i] = firstDropped;
      }
      out.bestCosine[i] = this.exactCosines(Int32Array.of(out.best[i]))[0];
    });
    return out;
  }

  /**
   * The largest exact value among rows whose stored value (in `values`, a view into the kernel's memory, each
   * within `slack` of its exact value) is within 2·slack of `top` (the largest value before storing, which is
   * within slack of the exact value of its row), and the lowest row that has it: the row with the largest exact
   * value is always among them. `exact` gives the exact values of candidate rows (ascending). Value NaN and row 0
   * where no value is a number.
   */
  private bestCandidates(values: Float32Array, top: number, slack: number, exact: (rows: Int32Array) => ArrayLike<number>): { value: number; row: number } {
    if (top === -Infinity) return { value: NaN, row: 0 };
    const n = this.filter(values, top - 2 * slack);
    const rows = new Int32Array(this.memory.buffer, this.at.cand, n).slice();
    const v = exact(rows);
    let value = -Infinity;
    let row = 0;
    for (let t = 0; t < n; t++) if (v[t] > value) [value, row] = [v[t], rows[t]];
    return value === -Infinity ? { value: NaN, row: 0 } : { value, row };
  }

  /** Exact float32 scores of `rows` against query slot 0, zero rows NaN (a copy). */
  private exactCosines(rows: Int32Array): Float32Array {
    new Int32Array(this.memory.buffer, this.at.cand, rows.length).set(rows);
    this.k.dot_gather(this.at.unit, this.dim, this.at.cand, rows.length, this.at.qf32, this.at.candOut);
    const s = new Float32Array(this.memory.buffer, this.at.candOut, rows.length).slice();
    if (this.zeroRows.length) for (let t = 0; t < rows.length; t++) if (this.zeroSet().has(rows[t])) s[t] = NaN;
    return s;
  }

  /** zeroRows as a set, built on first use. */
  private zeroSet(): Set<number> {
    this.zeroLookup ??= new Set(this.zeroRows);
    return this.zeroLookup;
  }

  /** Writes query slot `slot` (float32, zero padded to dpad). */
  private putQuery(query: ArrayLike<number>, slot: number): void {
    if (query.length !== this.dim) throw new RangeError(`query has ${query.length} dimensions, the index has ${this.dim}`);
    const q = new Float32Array(this.memory.buffer, this.at.qf32 + slot * this.dpad * 4, this.dpad);
    q.set(query);
    q.fill(0, this.dim);
  }

  /**
   * Rounds query slot `slot` to int16 with one scale, and returns that scale with the bound B such
   * that, for every row, |kernel's int8 score − kernel's exact float32 score| ≤ B.
   *
   * With u the unit row, ũ = s·q its int8 form, x the query and x̃ = t·p its int16 form:
   *   u·x − ũ·x̃ = (u − ũ)·x + ũ·(x − x̃), so |u·x − ũ·x̃| ≤ ‖u − ũ‖‖x‖ + ‖ũ‖‖x − x̃‖ (Cauchy–Schwarz).
   * The integer sum Σq·p is exact; turning it into a float and multiplying by fl(s·t) rounds three
   * times: at most (3u + O(u²))·|ũ·x̃| ≤ 3.01u·‖ũ‖‖x̃‖ with u = 2⁻²⁴. The float32 dot of dim terms
   * differs from u·x by at most γ(dim + 8)·Σ|u_j x_j| ≤ γ·‖u‖‖x‖ (γ(n) = nu / (1 − nu); the kernel's
   * longest chain of roundings is far shorter than dim + 8). Maxima over rows are taken once per index.
   */
  private quantizeQuery(slot: number): { scale: number; bound: number } {
    const { dim, dpad, qmax } = this;
    const x = new Float32Array(this.memory.buffer, this.at.qf32 + slot * dpad * 4, dim);
    const p = new Int16Array(this.memory.buffer, this.at.q16 + slot * dpad * 2, dpad);
    let maxAbs = 0;
    let xx = 0;
    for (let j = 0; j < dim; j++) {
      xx += x[j] * x[j];
      if (Math.abs(x[j]) > maxAbs) maxAbs = Math.abs(x[j]);
    }
    const scale = Math.fround(maxAbs / qmax);
    p.fill(0);
    if (!(scale > 0) || !Number.isFinite(scale)) return { scale: 0, bound: Infinity };
    let ff = 0;
    let dd = 0;
    for (let j = 0; j < dim; j++) {
      const q = Math.max(-qmax, Math.min(qmax, Math.round(x[j] / scale)));
      p[j] = q;
      const d = q * scale;
      ff += (x[j] - d) * (x[j] - d);
      dd += d * d;
    }
    const xNorm = Math.sqrt(xx);
    const nRound = dim + 8;
    const gamma = (nRound * U) / (1 - nRound * U);
    const bound =
      this.maxQuantError * xNorm +
      this.maxDequantNorm * Math.sqrt(ff) +
      3.01 * U * this.maxDequantNorm * Math.sqrt(dd) +
      gamma * this.maxUnitNorm * xNorm;
    // Headroom for the float64 arithmetic of the bound itself and of the threshold comparison.
    return { scale, bound: bound * (1 + 1e-9) + 1e-12 };
  }

  /**
   * Rows whose int8 score is within 2B of the k-th best int8 score can still be in the exact top k;
   * no other row can (see the proof at the top of quantizeQuery and in topK's tests). Rescores them
   * exactly and ranks them.
   */
  private refine(approx: Float32Array, start: number, end: number, k: number, skip: readonly number[], bound: number): Scored[] {
    const scores = this.refineScores(approx, start, end, k, skip, bound);
    if (!scores) return this.exactTopK(start, end, k, skip);
    const cand = new Int32Array(this.memory.buffer, this.at.cand, scores.length);
    const ranked: Scored[] = [];
    for (let i = 0; i < scores.length; i++) ranked.push({ index: cand[i], score: scores[i] });
    ranked.sort((a, b) => b.score - a.score || a.index - b.index);
    return ranked.slice(0, k);
  }

  /**
   * The exact scores of the rows that can be in the top k (refine's candidates, their rows in the candidate
   * area), or null for a degenerate query whose candidates are so many that a full exact scan is cheaper.
   */
  private refineScores(approx: Float32Array, start: number, end: number, k: number, skip: readonly number[], bound: number): Float32Array | null {
    for (const s of skip) if (s >= start && s < end) approx[s - start] = NaN;
    const cand = new Int32Array(this.memory.buffer, this.at.cand, this.size);
    // The k-th best of a prefix is at most the k-th best overall, so it gives a safe first threshold
    // that costs a few thousand comparisons instead of a pass in JavaScript; the kernel then filters.
    let kth = kthLargest(approx.subarray(0, Math.min(approx.length, PREFIX)), k);
    let n = kth === -Infinity ? Infinity : this.filter(approx, kth - 2 * bound);
    if (n > this.size / 8) {
      kth = kthLargest(approx, k);
      n = this.filter(approx, kth - 2 * bound);
    } else {
      // Tighten to the true k-th best among the (few) rows that passed.
      const passed = new Float32Array(n);
      for (let i = 0; i < n; i++) passed[i] = approx[cand[i]];
      kth = kthLargest(passed, k);
      let m = 0;
      for (let i = 0; i < n; i++) if (passed[i] >= kth - 2 * bound) cand[m++] = cand[i];
      n = m;
    }
    if (n > this.size / 4) return null; // a degenerate query: scan everything
    this.lastStats = { candidates: n, bound };
    if (start !== 0) for (let i = 0; i < n; i++) cand[i] += start;
    this.k.dot_gather(this.at.unit, this.dim, this.at.cand, n, this.at.qf32, this.at.candOut);
    return new Float32Array(this.memory.buffer, this.at.candOut, n);
  }

  /**
   * Positions of `approx` (a view into the kernel's memory) with value ≥ threshold, into the candidate
   * area. The threshold reaches the kernel rounded to float32; rounding is monotonic, so every float32
   * score ≥ the float64 threshold still passes.
   */
  private filter(approx: Float32Array, threshold: number): number {
    return this.k.filter_at_least(approx.byteOffset, approx.length, threshold, this.at.cand);
  }

  /** Top k by a full exact float32 scan of [start, end) against query slot 0. */
  private exactTopK(start: number, end: number, k: number, skip: readonly number[]): Scored[] {
    const out = this.exactScores(start, end, skip);
    const best = topIndices(out, k);
    return best.map((i) => ({ index: i + start, score: out[i] }));
  }

  /** Exact float32 scores of rows [start, end) against query slot 0 (a view), zero rows and `skip` NaN. */
  private exactScores(start: number, end: number, skip: readonly number[]): Float32Array {
    this.k.dot_rows(this.at.unit, this.dim, start, end, this.at.qf32, this.at.out);
    const out = new Float32Array(this.memory.buffer, this.at.out, end - start);
    for (const z of this.zeroRows) if (z >= start && z < end) out[z - start] = NaN;
    for (const s of skip) if (s >= start && s < end) out[s - start] = NaN;
    this.lastStats = { candidates: end - start, bound: 0 };
    return out;
  }
}

/**
 * The mean of the k largest non-NaN values, summed largest first in float64 (as a ranked list is), or NaN when
 * there are fewer than k.
 */
function topMean(values: Float32Array, k: number): number {
  const kth = kthLargest(values, k);
  if (kth === -Infinity) return NaN;
  const above: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] > kth) above.push(values[i]);
  above.sort((a, b) => b - a);
  while (above.length < k) above.push(kth); // ties at the k-th value fill the rest
  return meanOf(above, k);
}

/** Σ scores / k when there are exactly k scores, else NaN. */
function meanOf(scores: readonly number[], k: number): number {
  if (scores.length !== k) return NaN;
  let s = 0;
  for (const x of scores) s += x;
  return s / k;
}

/** The k-th largest non-NaN value, or −Infinity when there are fewer than k. */
export function kthLargest(values: Float32Array, k: number): number {
  const heap = new Float64Array(k); // min-heap of the k largest seen
  let size = 0;
  let min = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (size === k) {
      if (!(v > min)) continue; // also skips NaN
      siftDownReplace(heap, size, v);
      min = heap[0];
    } else if (v === v) {
      let c = size++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (heap[parent] <= v) break;
        heap[c] = heap[parent];
        c = parent;
      }
      heap[c] = v;
      if (size === k) min = heap[0];
    }
  }
  return size === k ? min : -Infinity;
}

function siftDownReplace(heap: Float64Array, size: number, v: number): void {
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= size) break;
    const r = l + 1;
    const m = r < size && heap[r] < heap[l] ? r : l;
    if (heap[m] >= v) break;
    heap[c] = heap[m];
    c = m;
  }
  heap[c] = v;
}

/** Indices of the k largest non-NaN values, best first, ties to the lower index. */
function topIndices(values: Float32Array, k: number): number[] {
  const kth = kthLargest(values, k);
  const picked: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] >= kth) picked.push(i);
  picked.sort((a, b) => values[b] - values[a] || a - b);
  return picked.slice(0, k);
}
