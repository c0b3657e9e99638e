import { compileKernel } from './wasm.ts';
import { feedChunk, trainPlaced, type ChunkResult } from './chunk-feed.ts';
import type { Word2VecLayout } from './word2vec-layout.ts';
import { trainChunkReference } from './word2vec-reference.ts';
import { requireNativeKernels } from './native.ts';

/**
 * Trains chunks of word ids into the model held in a shared WebAssembly.Memory, for one worker slot.
 * `wasm` runs the f32x4 kernel of wasm/word2vec.wat (one call per chunk, so JavaScript is crossed rarely);
 * `native` the same rule in C (native/word2vec.c, 8 lanes with fused multiply-adds where built for them; see
 * native.ts); `reference` runs the plain TypeScript definition of the same update rule.
 */
export type Word2VecKernelKind = 'native' | 'wasm' | 'reference';

export class Word2VecKernel {
  private readonly trainSlot: (nSentences: number, alpha: number) => number;

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly layout: Word2VecLayout,
    readonly slot: number,
    kind: Word2VecKernelKind,
    module?: WebAssembly.Module,
  ) {
    if (kind === 'wasm') {
      if (!module) throw new Error('the wasm word2vec kernel needs its compiled module (compileWord2VecKernel())');
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      const train = instance.exports.train as (ctx: number, nSentences: number, alpha: number) => number;
      const ctx = layout.slots[slot].ctx;
      this.trainSlot = (n, alpha) => train(ctx, n, alpha);
    } else if (kind === 'native') {
      const { word2vecTrain } = requireNativeKernels();
      const bytes = new Uint8Array(memory.buffer);
      const ctx = layout.slots[slot].ctx;
      this.trainSlot = (n, alpha) => word2vecTrain(bytes, ctx, n, alpha);
    } else {
      this.trainSlot = (n, alpha) => trainChunkReference(memory.buffer, layout, slot, n, alpha);
    }
  }

  /** Trains the chunk another thread placed in input buffer `input` of this slot (placeInput). */
  trainPlaced(input: number, nSentences: number, alpha: number): ChunkResult {
    return trainPlaced(this.memory.buffer, this.layout, this.slot, input, nSentences, alpha, this.trainSlot);
  }

  /** Trains one chunk: word ids and the exclusive end index of each sentence in it. */
  train(ids: Int32Array, sentenceEnds: Int32Array, alpha: number): ChunkResult {
    return feedChunk(this.memory.buffer, this.layout, this.slot, ids, sentenceEnds, alpha, this.trainSlot);
  }
}

/** The compiled kernel module (cached; can be posted to worker threads). */
export function compileWord2VecKernel(): Promise<WebAssembly.Module> {
  return compileKernel('word2vec');
}
