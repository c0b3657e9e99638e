/** Worker-thread side of projectOffThread: one projection per worker, then the worker ends. */
import { parentPort, workerData } from 'node:worker_threads';
import { project, type ProjectionMethod } from './project.ts';

const { flat, dim, method, seed } = workerData as { flat: Float32Array; dim: number; method: ProjectionMethod; seed: number };
const points: Float32Array[] = [];
for (let o = 0; o < flat.length; o += dim) points.push(flat.subarray(o, o + dim));
try {
  parentPort!.postMessage({ coords: project(points, method, seed) });
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
