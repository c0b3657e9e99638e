import { Option, type Command } from 'commander';
import { InvalidArgumentError } from '../errors.ts';
import { loadEmbeddings, type LoadOptions, type VectorFormat } from '../formats/index.ts';
import type { Embeddings, Neighbour } from '../vectors/embeddings.ts';

export const FORMATS: VectorFormat[] = ['word2vec-text', 'word2vec-binary', 'glove-text', 'fasttext-vec'];

/** Options every command that reads a vectors file shares. */
export interface LoadCliOptions {
  format?: VectorFormat | 'auto';
  limit?: number;
  unicodeErrors?: 'strict' | 'replace' | 'ignore';
  json?: boolean;
}

export function withLoadOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--format <format>', 'input format (detected from the file when omitted)').choices(['auto', ...FORMATS]).default('auto'))
    .option('--limit <n>', 'read only the first N vectors', positiveInt('--limit'))
    .addOption(new Option('--unicode-errors <mode>', 'what to do with invalid UTF-8 in words').choices(['strict', 'replace', 'ignore']).default('strict'))
    .option('--json', 'print JSON instead of text');
}

export async function loadForCli(path: string, o: LoadCliOptions): Promise<Embeddings> {
  const options: LoadOptions = {
    format: o.format ?? 'auto',
    limit: o.limit,
    unicodeErrors: o.unicodeErrors ?? 'strict',
    onWarning: (m) => process.stderr.write(`embedkit: warning: ${m}\n`),
  };
  return loadEmbeddings(path, options);
}

/** Commander parser for integers ≥ 1, with the flag named in the error. */
export function positiveInt(flag: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} expects a positive integer, got ${JSON.stringify(v)}`);
    return n;
  };
}

export function nonNegativeNumber(flag: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${flag} expects a number ≥ 0, got ${JSON.stringify(v)}`);
    return n;
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printNeighbours(title: string, list: Neighbour[]): void {
  process.stdout.write(`${title}\n`);
  const width = Math.max(4, ...list.map((n) => [...n.word].length));
  list.forEach((n, i) => {
    process.stdout.write(`${String(i + 1).padStart(3)}. ${n.word.padEnd(width)}  ${n.score.toFixed(4)}\n`);
  });
}

/** Examples block appended to a command's --help. */
export function examples(lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}
