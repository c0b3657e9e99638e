import { scriptBeside, WorkerPool } from '../kernels/pool.ts';
import { sharedMemory } from '../kernels/wasm.ts';
import { seededRandom } from '../util/random.ts';
import type { GloveParams } from './kernel.ts';
import { compileGloveKernel, slotBytes, type GloveKernelKind } from './wasm-kernel.ts';
import type { GloveTask, GloveTaskResult, GloveWorkerInit } from './worker.ts';
import { throwIfAborted } from '../util/abort.ts';

export interface GloveModel {
  params: GloveParams;
  /** 2·V rows of `stride` float32: word vectors + bias, then context vectors + bias. */
  weights: Float32Array;
  gradsq: Float32Array;
}

export interface EpochReport {
  /** 1-based. */
  epoch: number;
  /** Weighted squared error summed over the epoch's records, divided by their number (what GloVe prints). */
  cost: number;
  seconds: number;
  records: number;
}

export interface GloveRunOptions {
  epochs: number;
  threads: number;
  seed: number;
  /** Called while training with the records done in this epoch so far and their mean cost. */
  onRecords?: (epoch: number, recordsDone: number, meanCost: number) => void;
  /** Called after each epoch (before the next starts; the model may be read or saved then). */
  onEpoch?: (report: EpochReport) => void | Promise<void>;
  signal?: AbortSignal;
  kernel?: GloveKernelKind;
}

/** Records a thread reads and trains per kernel call. */
const SLOT_RECORDS = 1 << 14;

/** Records per task: small enough for progress and for spreading work over threads, big enough to be cheap. */
const TASK_RECORDS = 1 << 18;

/**
 * Parameters in one shared memory, initialised as GloVe's tool does: every weight and bias uniform in
 * [−0.5, 0.5)/dim (from the seed), every squared-gradient sum 1.
 */
export function createModel(params: GloveParams, seed: number, threads = 1): { model: GloveModel; memory: WebAssembly.Memory } {
  const floats = 2 * params.vocabSize * params.stride;
  // The caller refuses a model beyond one WebAssembly memory first (train/glove.ts, with gloveMemoryBytes).
  const memory = sharedMemory(gloveMemoryBytes(params, threads));
  const weights = new Float32Array(memory.buffer, 0, floats);
  const gradsq = new Float32Array(memory.buffer, floats * 4, floats);
  const random = seededRandom(seed);
  for (let r = 0; r < 2 * params.vocabSize; r++) {
    const row = r * params.stride;
    for (let c = 0; c < params.dim; c++) weights[row + c] = (random() - 0.5) / params.dim;
    weights[row + params.biasAt] = (random() - 0.5) / params.dim;
  }
  gradsq.fill(1);
  return { model: { params, weights, gradsq }, memory };
}

/** Bytes of the training memory: weights and squared-gradient sums of 2·V rows, then each thread's slot. */
export function gloveMemoryBytes(params: GloveParams, threads: number): number {
  return 2 * (2 * params.vocabSize * params.stride) * 4 + threads * slotBytes(params, SLOT_RECORDS);
}

/**
 * Runs the epochs over the shuffled co-occurrence file: each epoch cuts the file into tasks that the worker
 * threads read and train (in file order with one thread, so one thread and a seed reproduce a run exactly).
 */
export async function runEpochs(model: GloveModel, memory: WebAssembly.Memory, file: string, records: number, o: GloveRunOptions): Promise<EpochReport[]> {
  const stats = { cost: 0, records: 0 };
  const kind = o.kernel ?? 'wasm';
  const module = kind === 'wasm' ? await compileGloveKernel() : undefined;
  const slotsAt = 2 * model.weights.length * 4;
  const pool = await WorkerPool.start<GloveTask, GloveTaskResult>(
    scriptBeside(import.meta.url, 'worker'),
    o.threads,
    (slot): GloveWorkerInit => ({
      memory,
      weightsOffset: model.weights.byteOffset,
      gradsqOffset: model.gradsq.byteOffset,
      slotOffset: slotsAt + slot * slotBytes(model.params, SLOT_RECORDS),
      slotRecords: SLOT_RECORDS,
      params: model.params,
      file,
      kind,
      module,
    }),
    {
      depth: 2,
      resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
      onResult: (r) => {
        stats.cost += r.cost;
        stats.records += r.records;
      },
    },
  );
  const reports: EpochReport[] = [];
  const taskRecords = Math.max(1, Math.min(TASK_RECORDS, Math.ceil(records / (o.threads * 4))));
  const timer = o.onRecords ? setInterval(() => o.onRecords!(reports.length + 1, stats.records, stats.records ? stats.cost / stats.records : NaN), 500) : undefined;
  timer?.unref();
  try {
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = performance.now();
      stats.cost = 0;
      stats.records = 0;
      for (let start = 0; start < records; start += taskRecords) {
        if (o.signal?.aborted) break;
        const end = Math.min(records, start + taskRecords);
        await pool.submit(() => ({ start, end }));
      }
      await pool.drain();
      throwIfAborted(o.signal);
      const report = { epoch, cost: stats.records ? stats.cost / stats.records : 0, seconds: (performance.now() - t0) / 1000, records: stats.records };
      reports.push(report);
      await o.onEpoch?.(report);
    }
  } finally {
    if (timer) clearInterval(timer);
    await pool.close();
  }
  return reports;
}

/**
 * The vectors GloVe's `-model` writes: 0 = word vector, bias, context vector, bias (2·dim + 2 columns);
 * 1 = word vectors; 2 = word + context vectors (the default, usually a little better).
 */
export function outputVectors(model: GloveModel, which: 0 | 1 | 2): { vectors: Float32Array; dim: number } {
  const { vocabSize: V, dim, stride, biasAt } = model.params;
  const w = model.weights;
  const outDim = which === 0 ? 2 * (dim + 1) : dim;
  const vectors = new Float32Array(V * outDim);
  for (let r = 0; r < V; r++) {
    const a = r * stride;
    const c = (V + r) * stride;
    const o = r * outDim;
    if (which === 0) {
      vectors.set(w.subarray(a, a + dim), o);
      vectors[o + dim] = w[a + biasAt];
      vectors.set(w.subarray(c, c + dim), o + dim + 1);
      vectors[o + 2 * dim + 1] = w[c + biasAt];
    } else if (which === 1) {
      vectors.set(w.subarray(a, a + dim), o);
    } else {
      for (let b = 0; b < dim; b++) vectors[o + b] = w[a + b] + w[c + b];
    }
  }
  return { vectors, dim: outDim };
}
