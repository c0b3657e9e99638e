/**
 * A GloVe training thread: it reads its share of the shuffled co-occurrence file itself, block by block, and
 * updates the shared parameters without locks (Hogwild), as each thread of GloVe's C tool does.
 */
import { parentPort } from 'node:worker_threads';
import { serveWorker } from '../kernels/pool.ts';
import { RecordReader, recordBlock } from './cooccur-file.ts';
import { gloveScratch, trainRecords, type GloveParams } from './kernel.ts';

export interface GloveWorkerInit {
  memory: WebAssembly.Memory;
  /** Byte offsets of the weights and squared-gradient sums in `memory` (2·V·stride float32 each). */
  weightsOffset: number;
  gradsqOffset: number;
  params: GloveParams;
  /** The shuffled co-occurrence file. */
  file: string;
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

const BLOCK_RECORDS = 1 << 14;

if (parentPort) {
  serveWorker<GloveWorkerInit, GloveTask, GloveTaskResult>(parentPort, (init) => {
    const floats = 2 * init.params.vocabSize * init.params.stride;
    const weights = new Float32Array(init.memory.buffer, init.weightsOffset, floats);
    const gradsq = new Float32Array(init.memory.buffer, init.gradsqOffset, floats);
    const reader = new RecordReader(init.file);
    const block = recordBlock(BLOCK_RECORDS);
    const scratch = gloveScratch(init.params.dim);
    return (task) => {
      reader.seek(task.start);
      let cost = 0;
      let left = task.end - task.start;
      while (left > 0) {
        const n = reader.read(block, Math.min(left, BLOCK_RECORDS));
        if (n === 0) break;
        cost += trainRecords(weights, gradsq, block.ints, block.values, n, init.params, scratch);
        left -= n;
      }
      return { cost, records: task.end - task.start - left };
    };
  });
}
