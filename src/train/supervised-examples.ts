import { corpusBatches, type Corpus } from '../text/corpus.ts';
import { fastTextTokens, type SupervisedInput, type SupervisedLine } from '../vectors/fasttext-supervised-input.ts';
import type { IdChunk } from '../vocab/id-stream.ts';
import type { RecordedTokens } from './supervised-dictionary.ts';

/**
 * The examples of supervised training, cut into the chunks the workers train: each labelled line becomes a sentence
 * of its input rows then its labels (−1 − label); `words` counts every token read, unlabelled lines' too (fastText's
 * progress unit). They come from the corpus (encodeExamples) or from the tokens the dictionary pass kept
 * (encodeRecorded); both give the same chunks.
 */

/** Examples kept in memory after the first pass up to this many ids (4 bytes each); a larger corpus is re-encoded every pass. */
export const CACHED_IDS = 32 * 1024 * 1024;

/**
 * Every pass after the first replays the first pass's chunks from memory when they fit in CACHED_IDS (encoding
 * the lines costs the main thread about as much as a worker's training), else encodes the corpus again.
 * `whenCached` is told once the chunks are kept, so what only `encode` reads can be let go.
 */
export function cachedPasses(encode: () => AsyncIterable<IdChunk>, whenCached?: () => void): () => AsyncIterable<IdChunk> {
  let cached: IdChunk[] | undefined;
  return async function* pass() {
    if (cached) {
      yield* cached;
      return;
    }
    const kept: IdChunk[] = [];
    let ids = 0;
    let complete = true;
    for await (const chunk of encode()) {
      if (complete && ids + chunk.ids.length <= CACHED_IDS) {
        kept.push(chunk);
        ids += chunk.ids.length;
      } else complete = false;
      yield chunk;
    }
    if (complete) {
      cached = kept;
      whenCached?.();
    }
  };
}

/** Collects encoded lines into chunks of about `chunkWords` ids, marking the input rows used in `used`. */
class ChunkBuilder {
  private ids: Int32Array;
  private ends: number[] = [];
  private next = 0;
  private words = 0;

  constructor(
    private readonly chunkWords: number,
    private readonly used?: Uint8Array,
  ) {
    this.ids = new Int32Array(chunkWords * 2);
  }

  /** Adds one encoded line; the chunk it completes, if it does. */
  add(line: SupervisedLine): IdChunk | undefined {
    this.words += line.tokens;
    const { rows, labels } = line;
    if (labels.length === 0 || rows.length === 0) return undefined;
    const need = this.next + rows.length + labels.length;
    if (need > this.ids.length) {
      const grown = new Int32Array(Math.max(need, this.ids.length * 2));
      grown.set(this.ids.subarray(0, this.next));
      this.ids = grown;
    }
    const ids = this.ids;
    for (let i = 0; i < rows.length; i++) ids[this.next++] = rows[i];
    if (this.used) for (let i = 0; i < rows.length; i++) this.used[rows[i]] = 1;
    for (let i = 0; i < labels.length; i++) ids[this.next++] = -1 - labels[i];
    this.ends.push(this.next);
    return this.next >= this.chunkWords ? this.take() : undefined;
  }

  /** The last, partial chunk (undefined when no token was read since the last chunk). */
  rest(): IdChunk | undefined {
    return this.words > 0 ? this.take() : undefined;
  }

  private take(): IdChunk {
    const chunk = { ids: this.ids.slice(0, this.next), sentenceEnds: Int32Array.from(this.ends), words: this.words };
    this.ends = [];
    this.next = 0;
    this.words = 0;
    return chunk;
  }
}

/** One pass's examples, read from the corpus. */
export async function* encodeExamples(corpus: Corpus, scheme: SupervisedInput, chunkWords: number, used?: Uint8Array): AsyncGenerator<IdChunk> {
  const line: SupervisedLine = { rows: [], labels: [], tokens: 0 };
  const chunks = new ChunkBuilder(chunkWords, used);
  for await (const batch of corpusBatches(corpus)) {
    for (const text of batch) {
      const chunk = chunks.add(scheme.encode(fastTextTokens(text), true, line));
      if (chunk) yield chunk;
    }
  }
  const last = chunks.rest();
  if (last) yield last;
}

/**
 * One pass's examples, from the tokens the dictionary pass kept: each distinct token is looked up once
 * (SupervisedInput.planToken), then every line is encoded from the plans of its token ids.
 */
export async function* encodeRecorded(recorded: RecordedTokens, scheme: SupervisedInput, chunkWords: number, used?: Uint8Array): AsyncGenerator<IdChunk> {
  const plans = recorded.tokens.map((token) => scheme.planToken(token));
  const line: SupervisedLine = { rows: [], labels: [], tokens: 0 };
  const chunks = new ChunkBuilder(chunkWords, used);
  let start = 0;
  for (const end of recorded.lineEnds) {
    const chunk = chunks.add(scheme.encodePlanned(plans, recorded.ids, start, end, line));
    start = end;
    if (chunk) yield chunk;
  }
  const last = chunks.rest();
  if (last) yield last;
}
