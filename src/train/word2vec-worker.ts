/**
 * A Word2Vec training thread: it owns one slot of the shared model memory and trains the chunks of word ids
 * the main thread copies into that slot (Hogwild: every thread updates the shared vectors without locks).
 * Chunks travel through shared memory, not messages, so no per-chunk buffers pile up in the worker's heap.
 */
import { parentPort } from 'node:worker_threads';
import { serveWorker } from '../kernels/pool.ts';
import { Word2VecKernel, type Word2VecKernelKind } from '../kernels/word2vec-fast.ts';
import type { ChunkResult, Word2VecLayout } from '../kernels/word2vec-layout.ts';

export interface Word2VecWorkerInit {
  memory: WebAssembly.Memory;
  layout: Word2VecLayout;
  slot: number;
  kind: Word2VecKernelKind;
  module?: WebAssembly.Module;
}

export interface Word2VecTask {
  /** Input buffer of this worker's slot the main thread placed the chunk in (placeInput). */
  input: number;
  /** Sentences of that chunk. */
  nSentences: number;
  alpha: number;
  /** Vocabulary words in this chunk (progress accounting, passed back unchanged). */
  words: number;
}

export interface Word2VecTaskResult extends ChunkResult {
  words: number;
}

if (parentPort) {
  serveWorker<Word2VecWorkerInit, Word2VecTask, Word2VecTaskResult>(parentPort, (init) => {
    const kernel = new Word2VecKernel(init.memory, init.layout, init.slot, init.kind, init.module);
    return (task) => ({ ...kernel.trainPlaced(task.input, task.nSentences, task.alpha), words: task.words });
  });
}
