/**
 * A fastText training thread: it owns one slot of the shared model memory and trains the chunks of word ids
 * the main thread places in that slot (Hogwild: every thread updates the shared rows without locks).
 */
import { parentPort } from 'node:worker_threads';
import { FastTextKernel, type FastTextKernelKind } from '../kernels/fasttext-fast.ts';
import type { FastTextLayout } from '../kernels/fasttext-layout.ts';
import { serveWorker } from '../kernels/pool.ts';
import type { ChunkResult } from '../kernels/word2vec-layout.ts';

export interface FastTextWorkerInit {
  memory: WebAssembly.Memory;
  layout: FastTextLayout;
  slot: number;
  kind: FastTextKernelKind;
  module?: WebAssembly.Module;
}

export interface FastTextTask {
  /** Input buffer of this worker's slot holding the chunk (placeInput). */
  input: number;
  nSentences: number;
  /** Learning rate at the chunk's first and last token. */
  alphaStart: number;
  alphaEnd: number;
  /** Tokens in the chunk (progress accounting, passed back unchanged). */
  words: number;
}

export interface FastTextTaskResult extends ChunkResult {
  words: number;
}

if (parentPort) {
  serveWorker<FastTextWorkerInit, FastTextTask, FastTextTaskResult>(parentPort, (init) => {
    const kernel = new FastTextKernel(init.memory, init.layout, init.slot, init.kind, init.module);
    return (task) => ({ ...kernel.trainPlaced(task.input, task.nSentences, task.alphaStart, task.alphaEnd), words: task.words });
  });
}
