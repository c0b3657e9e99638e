import type { FastTextLayout } from './fasttext-layout.ts';
import { trainFastTextChunkReference } from './fasttext-reference.ts';
import { compileKernel } from './wasm.ts';
import { feedChunk, trainPlaced, type ChunkResult } from './chunk-feed.ts';
import { requireNativeKernels } from './native.ts';

/**
 * Trains chunks of word ids into the fastText model held in a shared WebAssembly.Memory, for one worker slot.
 * `wasm` runs the f32x4 kernel of wasm/fasttext.wat (one call per chunk); `native` the same rule in C
 * (native/fasttext.c; see native.ts); `reference` runs the plain TypeScript definition of the same update rule
 * (fasttext-reference.ts).
 */
export type FastTextKernelKind = 'native' | 'wasm' | 'reference';

export class FastTextKernel {
  private readonly trainSlot: (nSentences: number, alphaStart: number, alphaEnd: number) => number;

  constructor(
    readonly memory: WebAssembly.Memory,
    readonly layout: FastTextLayout,
    readonly slot: number,
    kind: FastTextKernelKind,
    module?: WebAssembly.Module,
  ) {
    if (kind === 'wasm') {
      if (!module) throw new Error('the wasm fastText kernel needs its compiled module (compileFastTextKernel())');
      const instance = new WebAssembly.Instance(module, { env: { memory, exp: Math.exp, log: Math.log } });
      const train = instance.exports.train as (ctx: number, nSentences: number, alphaStart: number, alphaEnd: number) => number;
      const ctx = layout.slots[slot].ctx;
      this.trainSlot = (n, a0, a1) => train(ctx, n, a0, a1);
    } else if (kind === 'native') {
      const { fasttextTrain } = requireNativeKernels();
      const bytes = new Uint8Array(memory.buffer);
      const ctx = layout.slots[slot].ctx;
      this.trainSlot = (n, a0, a1) => fasttextTrain(bytes, ctx, n, a0, a1);
    } else {
      this.trainSlot = (n, a0, a1) => trainFastTextChunkReference(memory.buffer, layout, slot, n, a0, a1);
    }
  }

  /** Trains the chunk another thread placed in input buffer `input` of this slot (placeInput). */
  trainPlaced(input: number, nSentences: number, alphaStart: number, alphaEnd: number): ChunkResult {
    return trainPlaced(this.memory.buffer, this.layout, this.slot, input, nSentences, alphaStart, (n, a0) => this.trainSlot(n, a0, alphaEnd));
  }

  /** Trains one chunk in the calling thread: word ids and the exclusive end of each sentence. */
  train(ids: Int32Array, sentenceEnds: Int32Array, alphaStart: number, alphaEnd: number): ChunkResult {
    return feedChunk(this.memory.buffer, this.layout, this.slot, ids, sentenceEnds, alphaStart, (n, a0) => this.trainSlot(n, a0, alphaEnd));
  }
}

/** The compiled kernel module (cached; can be posted to worker threads). */
export function compileFastTextKernel(): Promise<WebAssembly.Module> {
  return compileKernel('fasttext');
}
