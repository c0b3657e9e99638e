/**
 * A training thread of the chunk runner (runner.ts): it owns one slot of the shared model memory and trains
 * the chunks of word ids the main thread places in that slot (Hogwild: every thread updates the shared rows
 * without locks). Chunks travel through shared memory, not messages, so no per-chunk buffers pile up in the
 * worker's heap. One script serves every chunk-fed kernel; `init.kernel` says which.
 */
import { parentPort } from 'node:worker_threads';
import type { ChunkResult } from '../kernels/chunk-feed.ts';
import { FastTextKernel } from '../kernels/fasttext-fast.ts';
import type { FastTextLayout } from '../kernels/fasttext-layout.ts';
import { serveWorker } from '../kernels/pool.ts';
import { Word2VecKernel } from '../kernels/word2vec-fast.ts';
import type { Word2VecLayout } from '../kernels/word2vec-layout.ts';

export type KernelKind = 'wasm' | 'reference';

/** Which kernel trains a slot, over which layout. */
export type KernelSetup =
  | { kernel: 'word2vec'; layout: Word2VecLayout; memory: WebAssembly.Memory; kind: KernelKind; module?: WebAssembly.Module }
  | { kernel: 'fasttext'; layout: FastTextLayout; memory: WebAssembly.Memory; kind: KernelKind; module?: WebAssembly.Module };

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

export interface KernelTaskResult extends ChunkResult {
  words: number;
}

if (parentPort) {
  serveWorker<KernelWorkerInit, KernelTask, KernelTaskResult>(parentPort, (init) => {
    if (init.kernel === 'word2vec') {
      const k = new Word2VecKernel(init.memory, init.layout, init.slot, init.kind, init.module);
      return (task) => ({ ...k.trainPlaced(task.input, task.nSentences, task.alphaStart), words: task.words });
    }
    const k = new FastTextKernel(init.memory, init.layout, init.slot, init.kind, init.module);
    return (task) => ({ ...k.trainPlaced(task.input, task.nSentences, task.alphaStart, task.alphaEnd), words: task.words });
  });
}
