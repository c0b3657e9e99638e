import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { InvalidArgumentError } from '../../errors.ts';
import { DEFAULT_LABEL_PREFIX } from './fasttext-classifier.ts';

/** Texts with their labels, read from fastText's labelled lines or from JSON lines. */
export interface LabelledTexts {
  /** The texts, label tokens taken out (one per line that had text). */
  texts: string[];
  /** Each text's labels (empty for an unlabelled line). */
  labels: string[][];
  /** Lines without any label. */
  unlabelled: number;
  /** The 1-based line number of each text in the file. */
  lineNumbers: number[];
}

/**
 * Reads labelled examples, in either of two forms (told apart by the first non-blank line):
 * - fastText's: one example per line, its labels as tokens starting with `labelPrefix` (`__label__spam buy now`);
 *   the text is the line's other tokens, joined by single spaces;
 * - JSON lines: `{"text": "...", "label": "spam"}` per line (`label` a string, or `labels` an array of strings).
 * Blank lines are skipped; a file ending in .gz is gunzipped.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { readLabelledTexts } from 'embedkit/apps';
 * writeFileSync('labelled.jsonl', '{"text":"the match ended","label":"sport"}\n{"text":"a new tax","label":"politics"}\n');
 * console.log((await readLabelledTexts('labelled.jsonl')).labels); // [['sport'], ['politics']]
 * ```
 */
export async function readLabelledTexts(source: string | readonly string[], labelPrefix = DEFAULT_LABEL_PREFIX): Promise<LabelledTexts> {
  const lines = typeof source === 'string' ? await readLines(source) : source;
  const first = lines.find((l) => l.trim() !== '');
  const jsonLines = first !== undefined && first.trimStart().startsWith('{');
  const out: LabelledTexts = { texts: [], labels: [], unlabelled: 0, lineNumbers: [] };
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const [text, labels] = jsonLines ? jsonExample(line, i + 1) : labelledLine(line, labelPrefix);
    if (labels.length === 0) out.unlabelled++;
    out.texts.push(text);
    out.labels.push(labels);
    out.lineNumbers.push(i + 1);
  });
  return out;
}

/** The lines of a text file (.gz gunzipped), without the empty string after a final newline. */
export async function readLines(path: string): Promise<string[]> {
  const bytes = await readFile(path);
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** A fastText line: label tokens out, the other tokens joined by spaces. */
export function labelledLine(line: string, prefix: string): [string, string[]] {
  const labels: string[] = [];
  const words: string[] = [];
  for (const token of line.split(/[ \t\v\f\r]+/)) {
    if (token === '') continue;
    if (token.startsWith(prefix)) labels.push(token);
    else words.push(token);
  }
  return [words.join(' '), labels];
}

function jsonExample(line: string, lineNumber: number): [string, string[]] {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new InvalidArgumentError(`line ${lineNumber} is not JSON (the first line was, so every line must be {"text": ..., "label": ...})`);
  }
  const { text, label, labels } = (value ?? {}) as { text?: unknown; label?: unknown; labels?: unknown };
  if (typeof text !== 'string') throw new InvalidArgumentError(`line ${lineNumber} has no "text" string`);
  const list = labels !== undefined ? labels : label === undefined || label === null ? [] : [label];
  if (!Array.isArray(list) || list.some((l) => typeof l !== 'string' && typeof l !== 'number')) {
    throw new InvalidArgumentError(`line ${lineNumber}: "label" must be a string (or "labels" an array of strings)`);
  }
  return [text, list.map(String)];
}
