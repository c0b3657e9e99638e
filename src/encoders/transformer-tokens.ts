import { InvalidArgumentError } from '../errors.ts';
import type { TokenVectors, TransformerEncoder } from './transformer.ts';

/**
 * Contextual vectors of one word: where it occurs in a set of texts and its vector at each place (the mean of its
 * subword tokens' vectors), so that "bank" by a river and "bank" with money can be compared.
 */
export interface WordOccurrence {
  /** Index of the text. */
  text: number;
  /** Index of the word's first token in that text's tokens (special tokens included). */
  position: number;
  /** How many tokens the word spans. */
  length: number;
  vector: Float32Array;
}

/**
 * Finds every occurrence of the token sequence `wordIds` in the tokenized texts. A match followed by a WordPiece
 * continuation ("##...") is part of a longer word and is skipped.
 */
export function wordOccurrences(texts: readonly TokenVectors[], wordIds: readonly number[]): WordOccurrence[] {
  if (wordIds.length === 0) throw new InvalidArgumentError('the word has no tokens');
  const found: WordOccurrence[] = [];
  texts.forEach((tv, text) => {
    outer: for (let p = 0; p + wordIds.length <= tv.ids.length; p++) {
      for (let k = 0; k < wordIds.length; k++) if (tv.ids[p + k] !== wordIds[k]) continue outer;
      if (tv.tokens[p + wordIds.length]?.startsWith('##')) continue;
      const dim = tv.vectors[p].length;
      const vector = new Float32Array(dim);
      for (let k = 0; k < wordIds.length; k++) {
        const v = tv.vectors[p + k];
        for (let j = 0; j < dim; j++) vector[j] += v[j] / wordIds.length;
      }
      found.push({ text, position: p, length: wordIds.length, vector });
    }
  });
  return found;
}

/** Contextual vectors of `word` in each of `texts` (tokenized with the model's tokenizer, as the word is). */
export async function contextualWordVectors(encoder: TransformerEncoder, texts: readonly string[], word: string): Promise<{ occurrences: WordOccurrence[]; tokens: TokenVectors[] }> {
  const { ids } = encoder.tokenize(word);
  if (ids.length === 0) throw new InvalidArgumentError(`the word ${JSON.stringify(word)} has no tokens`);
  const tokens = await encoder.tokenVectors(texts);
  return { occurrences: wordOccurrences(tokens, ids), tokens };
}

