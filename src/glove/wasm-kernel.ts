import { compileKernel } from '../kernels/wasm.ts';
import type { GloveParams } from './kernel.ts';

/** Which kernel trains: the WebAssembly SIMD one (default) or the TypeScript reference. */
export type GloveKernelKind = 'wasm' | 'reference';

export function compileGloveKernel(): Promise<WebAssembly.Module> {
  return compileKernel('glove');
}

interface GloveExports {
  train(recs: number, n: number, W: number, G: number, V: number, vecBytes: number, eta: number, clip: number, u1: number, u2: number): number;
}

/**
 * The WebAssembly kernel bound to one thread's slot of the shared memory: records are copied into the slot's
 * record area, then one call trains them all.
 */
export class WasmGloveKernel {
  private readonly exports: GloveExports;
  private readonly bytes: Uint8Array;

  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly params: GloveParams,
    private readonly weightsOffset: number,
    private readonly gradsqOffset: number,
    /** Byte offset of this thread's slot: records, then two scratch vectors. */
    private readonly slotOffset: number,
    private readonly slotRecords: number,
  ) {
    this.exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as GloveExports;
    this.bytes = new Uint8Array(memory.buffer);
  }

  /** Trains `n` (≤ slotRecords) training records given as bytes; returns their cost sum. */
  train(records: Uint8Array, n: number): number {
    const p = this.params;
    this.bytes.set(records.subarray(0, n * 16), this.slotOffset);
    const vecBytes = p.biasAt * 4;
    const u1 = this.slotOffset + this.slotRecords * 16;
    return this.exports.train(this.slotOffset, n, this.weightsOffset, this.gradsqOffset, p.vocabSize, vecBytes, p.eta, p.gradClip, u1, u1 + vecBytes);
  }
}

/** Bytes of one thread's slot: the record area and two scratch vectors. */
export function slotBytes(params: GloveParams, records: number): number {
  return records * 16 + 2 * params.biasAt * 4;
}
