/**
 * A Word2Vec training thread: it owns one slot of the shared model memory and trains the chunks of word ids
 * the main thread sends it (Hogwild: every thread updates the shared vectors without locks).
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
  ids: Int32Array;
  sentenceEnds: Int32Array;
  alpha: number;
  /** Corpus words this chunk stands for (progress accounting, passed back unchanged). */
  words: number;
}

export interface Word2VecTaskResult extends ChunkResult {
  words: number;
}

if (parentPort) {
  serveWorker<Word2VecWorkerInit, Word2VecTask, Word2VecTaskResult>(parentPort, (init) => {
    const kernel = new Word2VecKernel(init.memory, init.layout, init.slot, init.kind, init.module);
    return (task) => ({ ...kernel.train(task.ids, task.sentenceEnds, task.alpha), words: task.words });
  });
}
