import { InvalidArgumentError } from '../errors.ts';

/** How documents are cut into passages before they are embedded (OpenAI's file search defaults: 800 and 400). */
export interface ChunkingOptions {
  /** Longest passage, in tokens (default 800). */
  maxTokens?: number;
  /** Tokens each passage repeats from the end of the one before (default 400; less than maxTokens). */
  overlapTokens?: number;
}

/** One passage of a document: its text (a slice of the document's own text) and its place. */
export interface TextChunk {
  /** 0-based position among the document's passages. */
  index: number;
  text: string;
  /** Tokens the passage holds. */
  tokens: number;
}

export const DEFAULT_CHUNKING: Required<ChunkingOptions> = { maxTokens: 800, overlapTokens: 400 };

// A token here is a run of letters, marks, digits and connectors, one CJK character (those scripts write no spaces,
// so a run would be a whole sentence) or one other visible character. Counting this way stays close to what word
// vector tokenizers see and within a small factor of subword tokenizers, with no model needed to chunk.
const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{M}\p{N}\p{Pc}]+|[^\s\p{L}\p{M}\p{N}\p{Pc}]/gu;

/** Checks chunking options and fills in the defaults; errors name the option. */
export function resolveChunking(options: ChunkingOptions = {}): Required<ChunkingOptions> {
  const maxTokens = options.maxTokens ?? DEFAULT_CHUNKING.maxTokens;
  const overlapTokens = options.overlapTokens ?? Math.min(DEFAULT_CHUNKING.overlapTokens, Math.floor(maxTokens / 2));
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new InvalidArgumentError(`chunking.maxTokens must be a positive integer, got ${maxTokens}`);
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens >= maxTokens) {
    throw new InvalidArgumentError(`chunking.overlapTokens must be an integer from 0 to chunking.maxTokens − 1 (${maxTokens - 1}), got ${overlapTokens}`);
  }
  return { maxTokens, overlapTokens };
}

/**
 * Cuts `text` into passages of at most maxTokens tokens, each starting maxTokens − overlapTokens tokens after the
 * one before, the last one ending at the text's end. Each passage is the document's own text from its first
 * token's start to its last token's end, so spacing and punctuation survive. A text without tokens gives none.
 *
 * @example
 * ```ts
 * import { chunkText } from 'embedkit/search';
 * const chunks = chunkText('one two three four five', { maxTokens: 3, overlapTokens: 1 });
 * console.log(chunks.map((c) => c.text)); // [ 'one two three', 'three four five' ]
 * ```
 */
export function chunkText(text: string, options: ChunkingOptions = {}): TextChunk[] {
  const { maxTokens, overlapTokens } = resolveChunking(options);
  const starts: number[] = [];
  const ends: number[] = [];
  for (const m of text.matchAll(TOKEN)) {
    starts.push(m.index);
    ends.push(m.index + m[0].length);
  }
  const n = starts.length;
  if (n === 0) return [];
  const step = maxTokens - overlapTokens;
  const chunks: TextChunk[] = [];
  for (let first = 0; ; first += step) {
    const last = Math.min(n, first + maxTokens) - 1;
    chunks.push({ index: chunks.length, text: text.slice(starts[first], ends[last]), tokens: last - first + 1 });
    if (last === n - 1) break;
  }
  return chunks;
}
