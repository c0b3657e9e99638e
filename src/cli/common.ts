import { Option, type Command } from 'commander';
import { loadEmbeddings, type LoadOptions, type VectorFormat } from '../formats/index.ts';
import type { Embeddings, Neighbour } from '../vectors/embeddings.ts';
import { positiveInt } from './flag-values.ts';
import { addOptionFlags, flagError, optionsFromFlags } from './option-flags.ts';
import { readLimitOptions } from './read-limit-flags.ts';
import { displayWidth, padEndDisplay } from './display-width.ts';

/** Every vectors format, as --format and --to name them. */
export const FORMATS: VectorFormat[] = ['word2vec-text', 'word2vec-binary', 'glove-text', 'fasttext-vec', 'fasttext-bin'];

/** Options every command that reads a vectors file shares. */
export interface LoadCliOptions {
  format?: VectorFormat | 'auto';
  limit?: number;
  unicodeErrors?: 'strict' | 'replace' | 'ignore';
  json?: boolean;
  /** The readers' caps (--max-line-bytes, --max-word-bytes). */
  maxLineBytes?: number;
  maxWordBytes?: number;
}

export function withLoadOptions(cmd: Command): Command {
  const withFormat = cmd
    .addOption(new Option('--format <format>', 'input format (detected from the file when omitted)').choices(['auto', ...FORMATS]).default('auto'))
    .option('--limit <n>', 'read only the first N vectors', positiveInt('--limit'))
    .addOption(new Option('--unicode-errors <mode>', 'what to do with invalid UTF-8 in words (default: strict; replace for fastText .bin models)').choices(['strict', 'replace', 'ignore']));
  return addOptionFlags(withFormat, readLimitOptions).option('--json', 'print JSON instead of text');
}

export async function loadForCli(path: string, o: LoadCliOptions): Promise<Embeddings> {
  const options: LoadOptions = {
    format: o.format ?? 'auto',
    limit: o.limit,
    unicodeErrors: o.unicodeErrors,
    onWarning: (m) => process.stderr.write(`embedkit: warning: ${m}\n`),
    ...optionsFromFlags(readLimitOptions, o as Record<string, unknown>),
  };
  // A reader's error names the library option of a cap it hit (maxLineBytes); the command line says its flag.
  return loadEmbeddings(path, options).catch((err: unknown) => {
    throw flagError(readLimitOptions, err);
  });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printNeighbours(title: string, list: Neighbour[]): void {
  process.stdout.write(`${title}\n`);
  // Columns are padded by display width, so scores line up after Chinese (two-column) words too.
  const width = Math.max(4, ...list.map((n) => displayWidth(n.word)));
  list.forEach((n, i) => {
    process.stdout.write(`${String(i + 1).padStart(3)}. ${padEndDisplay(n.word, width)}  ${n.score.toFixed(4)}\n`);
  });
}

/** Examples block appended to a command's --help. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
