import { promises as fsp } from 'node:fs';
import { EmbedkitError, FormatError } from '../errors.ts';
import { withAtomicWriteStream } from '../util/atomic-write.ts';
import { Vocabulary } from '../vocab/vocabulary.ts';

/**
 * A Word2Vec training checkpoint: everything needed to continue training exactly where it stopped.
 *
 * File layout (little-endian):
 *   "EMBEDKIT-W2V-CHECKPOINT 1\n"  magic line
 *   u32 header length, then the header as UTF-8 JSON (settings, position, vocabulary words and counts,
 *   which matrices follow)
 *   syn0 (V×dim f32), then syn1neg (V×dim f32) when negative sampling is on, then syn1 ((V−1)×dim f32) with
 *   hierarchical softmax.
 * Written atomically, so a checkpoint interrupted while being saved leaves the previous one intact.
 */
const MAGIC = 'EMBEDKIT-W2V-CHECKPOINT 1\n';

/** The settings a resumed run must share with the run that wrote the checkpoint. */
export interface CheckpointSettings {
  dim: number;
  cbow: boolean;
  cbowMean: boolean;
  hs: boolean;
  negative: number;
  window: number;
  sample: number;
  alpha: number;
  minAlpha: number;
  epochs: number;
  seed: number;
  tokenizer: string;
  maxSentenceLength: number;
  chunkWords: number;
}

/** Where training stopped. */
export interface CheckpointPosition {
  /** Epoch in progress (0-based); equals `epochs` when training had finished. */
  epoch: number;
  /** Chunks of this epoch already trained (the corpus is re-encoded and these are skipped on resume). */
  chunksDone: number;
  /** Vocabulary words handed to training so far over all epochs (drives the learning rate). */
  wordsDone: number;
  /** Vocabulary words per epoch (the learning-rate schedule's unit). */
  wordsPerEpoch: number;
  /** Random state of each worker slot. */
  rng: number[];
}

export interface Word2VecCheckpoint {
  settings: CheckpointSettings;
  position: CheckpointPosition;
  vocab: Vocabulary;
  /** Row-major matrices without padding: V×dim, V×dim (or empty), (V−1)×dim (or empty). */
  syn0: Float32Array;
  syn1neg: Float32Array;
  syn1: Float32Array;
}

interface Header {
  settings: CheckpointSettings;
  position: CheckpointPosition;
  words: string[];
  counts: number[];
  lengths: { syn0: number; syn1neg: number; syn1: number };
}

/** Matrices as the trainer holds them: rows of `stride` floats of which the first `dim` are the vector. */
export interface StridedMatrix {
  data: Float32Array;
  rows: number;
  stride: number;
}

export async function saveCheckpoint(
  path: string,
  c: Omit<Word2VecCheckpoint, 'syn0' | 'syn1neg' | 'syn1'> & { syn0: StridedMatrix; syn1neg?: StridedMatrix; syn1?: StridedMatrix },
): Promise<void> {
  const dim = c.settings.dim;
  const header: Header = {
    settings: c.settings,
    position: c.position,
    words: c.vocab.words,
    counts: Array.from(c.vocab.counts),
    lengths: { syn0: c.syn0.rows * dim, syn1neg: (c.syn1neg?.rows ?? 0) * dim, syn1: (c.syn1?.rows ?? 0) * dim },
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  await withAtomicWriteStream(path, async (out) => {
    const write = (b: Uint8Array) => (out.write(b) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
    await write(Buffer.from(MAGIC, 'latin1'));
    await write(len);
    await write(json);
    for (const m of [c.syn0, c.syn1neg, c.syn1]) {
      if (!m) continue;
      // Rows are copied out of the (shared) training memory in blocks, dropping the padding floats.
      const block = 4096;
      for (let r0 = 0; r0 < m.rows; r0 += block) {
        const r1 = Math.min(m.rows, r0 + block);
        const buf = new Float32Array((r1 - r0) * dim);
        for (let r = r0; r < r1; r++) buf.set(m.data.subarray(r * m.stride, r * m.stride + dim), (r - r0) * dim);
        await write(new Uint8Array(buf.buffer));
      }
    }
  });
}

export async function loadCheckpoint(path: string): Promise<Word2VecCheckpoint> {
  let data: Buffer;
  try {
    data = await fsp.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EmbedkitError('io_error', `cannot read checkpoint: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, { file: path });
  }
  if (data.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) {
    throw new FormatError(`not an embedkit word2vec checkpoint (expected it to start with ${JSON.stringify(MAGIC.trim())})`, { file: path, byte: 0 });
  }
  let at = MAGIC.length;
  if (data.length < at + 4) throw new FormatError('checkpoint truncated in its header', { file: path, byte: at });
  const hlen = data.readUInt32LE(at);
  at += 4;
  let header: Header;
  try {
    header = JSON.parse(data.subarray(at, at + hlen).toString('utf8')) as Header;
  } catch {
    throw new FormatError('checkpoint header is not valid JSON', { file: path, byte: at });
  }
  at += hlen;
  const take = (n: number, what: string): Float32Array => {
    const bytes = n * 4;
    if (data.length < at + bytes) throw new FormatError(`checkpoint truncated in ${what}: expected ${bytes} bytes, found ${data.length - at}`, { file: path, byte: at });
    const out = new Float32Array(n);
    new Uint8Array(out.buffer).set(data.subarray(at, at + bytes));
    at += bytes;
    return out;
  };
  const syn0 = take(header.lengths.syn0, 'syn0');
  const syn1neg = take(header.lengths.syn1neg, 'syn1neg');
  const syn1 = take(header.lengths.syn1, 'syn1');
  if (at !== data.length) throw new FormatError(`checkpoint has ${data.length - at} unexpected bytes at its end`, { file: path, byte: at });
  return { settings: header.settings, position: header.position, vocab: new Vocabulary(header.words, header.counts), syn0, syn1neg, syn1 };
}
