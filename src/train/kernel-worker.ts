/**
 * A training thread of the chunk runner (runner.ts): it owns one slot of the shared model memory and trains
 * the chunks of word ids the main thread places in that slot (Hogwild: every thread updates the shared rows
 * without locks). Chunks travel through shared memory, not messages, so no per-chunk buffers pile up in the
 * worker's heap. One script serves every chunk-fed kernel; `init.kernel` says which.
 */
import { parentPort } from 'node:worker_threads';
import type { ChunkResult } from '../kernels/chunk-feed.ts';
import { FastTextKernel, type FastTextKernelKind } from '../kernels/fasttext-fast.ts';
import type { FastTextLayout } from '../kernels/fasttext-layout.ts';
import { serveWorker } from '../kernels/pool.ts';
import { Word2VecKernel, type Word2VecKernelKind } from '../kernels/word2vec-fast.ts';
import type { Word2VecLayout } from '../kernels/word2vec-layout.ts';
import { initUniformRowRange, type UniformInit } from './rows.ts';

/** Which kernel trains a slot, over which layout. */
export type KernelSetup =
  | { kernel: 'word2vec'; layout: Word2VecLayout; memory: WebAssembly.Memory; kind: Word2VecKernelKind; module?: WebAssembly.Module }
  | { kernel: 'fasttext'; layout: FastTextLayout; memory: WebAssembly.Memory; kind: FastTextKernelKind; module?: WebAssembly.Module };

export type KernelWorkerInit = KernelSetup & { slot: number };

export interface KernelTask {
  /** Input buffer of this worker's slot the main thread placed the chunk in (placeInput). */
  input: number;
  /** Sentences of that chunk. */
  nSentences: number;
  /** Learning rate at the chunk's first and last word (word2vec trains a chunk at alphaStart throughout). */
  alphaStart: number;
  alphaEnd: number;
  /** Words in the chunk (progress accounting, passed back unchanged). */
  words: number;
}

/**
 * The starting values of a matrix in the shared memory (initUniformRows' values), filled by the workers before
 * any chunk, each worker its own range of rows: the 100 M draws of fastText's 2 M n-gram buckets then take a
 * fraction of the time, and the main thread reads the corpus meanwhile.
 */
export interface UniformRowsTask {
  uniformRows: UniformInit & {
    /** Byte offset of the matrix's first row in the shared memory. */
    byteOffset: number;
    /** Rows of the whole matrix, its row length and its row stride, in floats. */
    rows: number;
    dim: number;
    stride: number;
    /** The range of rows this worker fills. */
    from: number;
    to: number;
  };
}

export interface KernelTaskResult extends ChunkResult {
  words: number;
}

if (parentPort) {
  serveWorker<KernelWorkerInit, KernelTask | UniformRowsTask, KernelTaskResult>(parentPort, (init) => {
    const train = trainerOf(init);
    return (task) => ('uniformRows' in task ? fillRows(init.memory, task.uniformRows) : train(task));
  });
}

function trainerOf(init: KernelWorkerInit): (task: KernelTask) => KernelTaskResult {
  if (init.kernel === 'word2vec') {
    const k = new Word2VecKernel(init.memory, init.layout, init.slot, init.kind, init.module);
    return (task) => ({ ...k.trainPlaced(task.input, task.nSentences, task.alphaStart), words: task.words });
  }
  const k = new FastTextKernel(init.memory, init.layout, init.slot, init.kind, init.module);
  return (task) => ({ ...k.trainPlaced(task.input, task.nSentences, task.alphaStart, task.alphaEnd), words: task.words });
}

function fillRows(memory: WebAssembly.Memory, t: UniformRowsTask['uniformRows']): KernelTaskResult {
  initUniformRowRange(new Float32Array(memory.buffer, t.byteOffset, t.rows * t.stride), t.from, t.to, t.dim, t.stride, t);
  return { kept: 0, lossSum: 0, lossCount: 0, words: 0 };
}
