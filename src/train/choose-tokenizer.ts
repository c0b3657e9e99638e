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
 */
export async function chooseTokenizer(corpus: Corpus | undefined, given: TokenizerName | undefined, otherwise: TokenizerName, onTokenizer?: TokenizerListener): Promise<TokenizerName> {
  const choice: TokenizerChoice = given !== undefined || !corpus ? { name: given ?? otherwise, detected: false } : { name: tokenizerForScript(await firstLines(corpus, SAMPLE_LINES), otherwise), detected: true };
  onTokenizer?.(choice);
  return choice.name;
}

async function firstLines(corpus: Corpus, n: number): Promise<string[]> {
  const lines: string[] = [];
  if (n <= 0) return lines;
  // Leaving the loop early closes the pass (a standard-input corpus is spooled whole first, so nothing is lost).
  for await (const line of corpus.lines()) {
    if (line.trim() !== '') lines.push(line);
    if (lines.length >= n) break;
  }
  return lines;
}
