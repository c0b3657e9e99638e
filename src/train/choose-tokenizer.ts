import type { Corpus } from '../text/corpus.ts';
import { tokenizerForScript } from '../text/script.ts';
import type { TokenizerName } from '../text/tokenize.ts';

/** The tokenizer a training run uses, and whether it was detected from the corpus rather than given. */
export interface TokenizerChoice {
  name: TokenizerName;
  detected: boolean;
}
export type TokenizerListener = (choice: TokenizerChoice) => void;

/** Lines looked at to detect the corpus's script: enough to see past a title or a few foreign lines. */
const SAMPLE_LINES = 200;

/**
 * The trainer's tokenizer: the one given, else one chosen from the script of the corpus's first lines (jieba
 * for Chinese, which has no spaces between words and would otherwise make whole lines into "words"; else
 * `otherwise`, the trainer's default). The choice is reported to `onTokenizer`, so a caller can say it.
 * The lines looked at are not read twice: the returned corpus's first pass replays them and reads on, so the
 * detection costs no extra pass (a pass over standard input or a slow source is not repeated).
 */
export async function chooseTokenizer<C extends Corpus | undefined>(
  corpus: C,
  given: TokenizerName | undefined,
  otherwise: TokenizerName,
  onTokenizer?: TokenizerListener,
): Promise<{ name: TokenizerName; corpus: C }> {
  if (given !== undefined || !corpus) {
    onTokenizer?.({ name: given ?? otherwise, detected: false });
    return { name: given ?? otherwise, corpus };
  }
  const { sample, replaying } = await sampleFirstLines(corpus, SAMPLE_LINES);
  const name = tokenizerForScript(sample, otherwise);
  onTokenizer?.({ name, detected: true });
  return { name, corpus: replaying as C };
}

/** The first `n` non-empty lines, and the corpus whose first pass starts with the batches already read. */
async function sampleFirstLines(corpus: Corpus, n: number): Promise<{ sample: string[]; replaying: Corpus }> {
  const source: AsyncIterator<string[]> = corpus.lineBatches ? corpus.lineBatches()[Symbol.asyncIterator]() : singleLines(corpus.lines())[Symbol.asyncIterator]();
  const head: string[][] = [];
  const sample: string[] = [];
  let ended = false;
  while (sample.length < n) {
    const r = await source.next();
    if (r.done) {
      ended = true;
      break;
    }
    head.push(r.value);
    for (const line of r.value) if (sample.length < n && line.trim() !== '') sample.push(line);
  }
  let started = false;
  async function* firstPass(): AsyncGenerator<string[]> {
    yield* head;
    head.length = 0;
    if (ended) return;
    for (let r = await source.next(); !r.done; r = await source.next()) yield r.value;
  }
  /** The first pass asked for continues the one begun here; later passes are the corpus's own. */
  const batches = (): AsyncIterable<string[]> => {
    if (started) return corpus.lineBatches ? corpus.lineBatches() : singleLines(corpus.lines());
    started = true;
    return firstPass();
  };
  const replaying: Corpus = {
    path: corpus.path,
    get byteLength() {
      return corpus.byteLength;
    },
    get bytesRead() {
      return corpus.bytesRead;
    },
    async *lines() {
      if (started) yield* corpus.lines();
      else for await (const batch of batches()) yield* batch;
    },
    async close() {
      // A first pass never run, or left early, still holds the source open.
      await source.return?.();
      await corpus.close?.();
    },
  };
  if (corpus.lineBatches) replaying.lineBatches = batches;
  return { sample, replaying };
}

async function* singleLines(lines: AsyncIterable<string>): AsyncGenerator<string[]> {
  for await (const line of lines) yield [line];
}
