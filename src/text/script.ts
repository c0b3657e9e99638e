import type { TokenizerName } from './tokenize.ts';

/** Share of samples containing Han characters above which text counts as Chinese. */
const CHINESE_SHARE = 0.5;
const HAN = /\p{Script=Han}/u;

/**
 * True when most of the samples (vocabulary words, or a corpus's first lines) contain Han characters: text that
 * needs the jieba tokenizer, since Chinese is written without spaces between words. Empty samples do not count.
 */
export function mostlyChinese(samples: Iterable<string>): boolean {
  let n = 0;
  let han = 0;
  for (const s of samples) {
    if (s.trim() === '') continue;
    n++;
    if (HAN.test(s)) han++;
  }
  return n > 0 && han / n > CHINESE_SHARE;
}

/** The tokenizer the samples' script calls for: jieba for Chinese, else `otherwise`. */
export function tokenizerForScript(samples: Iterable<string>, otherwise: TokenizerName): TokenizerName {
  return mostlyChinese(samples) ? 'jieba' : otherwise;
}
