import { Worker } from 'node:worker_threads';
import { project, type ProjectionMethod } from './project.ts';

/** At most this many nonlinear projections run at once; more wait their turn (each may take a second or two). */
const MAX_CONCURRENT = 2;
let running = 0;
const waiting: (() => void)[] = [];

/**
 * Projects in a worker thread, so a t-SNE or UMAP of hundreds of points (O(n²) per iteration, up to seconds)
 * never stalls the server's event loop for the embeddings API. PCA is fast enough to run in place.
 */
export async function projectOffThread(points: readonly Float32Array[], method: ProjectionMethod, seed = 42): Promise<number[][]> {
  if (method === 'pca' || points.length < 5) return project(points, method, seed);
  if (running >= MAX_CONCURRENT) await new Promise<void>((ok) => waiting.push(ok));
  running++;
  try {
    const dim = points[0].length;
    const flat = new Float32Array(points.length * dim);
    points.forEach((p, i) => flat.set(p, i * dim));
    return await new Promise<number[][]>((resolve, reject) => {
      const worker = startWorker(new URL('./project-worker' + extname(import.meta.url), import.meta.url), { flat, dim, method, seed });
      worker.once('message', (m: { coords?: number[][]; error?: string }) => (m.coords ? resolve(m.coords) : reject(new Error(m.error))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`projection worker exited with code ${code}`)));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function extname(url: string): string {
  return url.endsWith('.ts') ? '.ts' : '.js';
}

/** A worker for this module's sibling; from the TypeScript sources it boots through tsx, as the trainers' workers do. */
function startWorker(script: URL, workerData: unknown): Worker {
  if (!script.pathname.endsWith('.ts')) return new Worker(script, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
