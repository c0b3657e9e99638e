/**
 * A GloVe training thread: it reads its share of the shuffled training records itself, block by block, and
 * updates the shared parameters without locks (Hogwild), as each thread of GloVe's C tool does.
 */
import { parentPort } from 'node:worker_threads';
import { serveWorker } from '../kernels/pool.ts';
import { RecordReader, recordBlock } from './cooccur-file.ts';
import { gloveScratch, trainRecords, type GloveParams } from './kernel.ts';
import { WasmGloveKernel, type GloveKernelKind } from './wasm-kernel.ts';

export interface GloveWorkerInit {
  memory: WebAssembly.Memory;
  /** Byte offsets of the weights and squared-gradient sums in `memory` (2·V·stride float32 each). */
  weightsOffset: number;
  gradsqOffset: number;
  /** Byte offset of this thread's slot (WebAssembly kernel only) and the records it holds. */
  slotOffset: number;
  slotRecords: number;
  params: GloveParams;
  /** The shuffled training records. */
  file: string;
  kind: GloveKernelKind;
  module?: WebAssembly.Module;
}

/** Records [start, end) of the file. */
export interface GloveTask {
  start: number;
  end: number;
}

export interface GloveTaskResult {
  cost: number;
  records: number;
}

if (parentPort) {
  serveWorker<GloveWorkerInit, GloveTask, GloveTaskResult>(parentPort, (init) => {
    const floats = 2 * init.params.vocabSize * init.params.stride;
    const weights = new Float32Array(init.memory.buffer, init.weightsOffset, floats);
    const gradsq = new Float32Array(init.memory.buffer, init.gradsqOffset, floats);
    const reader = new RecordReader(init.file);
    const block = recordBlock(init.slotRecords);
    const scratch = gloveScratch(init.params.dim);
    const wasm =
      init.kind === 'wasm'
        ? new WasmGloveKernel(init.module!, init.memory, init.params, init.weightsOffset, init.gradsqOffset, init.slotOffset, init.slotRecords)
        : undefined;
    return (task) => {
      reader.seek(task.start);
      let cost = 0;
      let left = task.end - task.start;
      while (left > 0) {
        const n = reader.read(block, Math.min(left, init.slotRecords));
        if (n === 0) break;
        cost += wasm ? wasm.train(block.bytes, n) : trainRecords(weights, gradsq, block.ints, block.floats, n, init.params, scratch);
        left -= n;
      }
      return { cost, records: task.end - task.start - left };
    };
  });
}
