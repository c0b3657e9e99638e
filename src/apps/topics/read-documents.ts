import { readFile } from 'node:fs/promises';
import { FormatError } from '../../errors.ts';
import type { TopicDocument } from './find-topics.ts';

/**
 * Reads a document collection for findTopics: a text file with one document per line, or JSON Lines (a `.jsonl` or
 * `.ndjson` name, or a first line that is a JSON object) with a `text` string and an optional `date` per line.
 * Blank lines stay, as empty documents, so that document i is line i + 1 in every output. Anything that is not
 * text (invalid UTF-8, NUL bytes) or a JSON line without a text is refused with the file and line.
 * @example
 * ```ts
 * import { readTopicDocuments } from 'embedkit/apps';
 * const docs = await readTopicDocuments('corpus.txt');
 * console.log(docs.length > 0, typeof docs[0].text); // true string
 * ```
 */
export async function readTopicDocuments(path: string): Promise<TopicDocument[]> {
  const bytes = await readFile(path);
  const lines = bytes.length === 0 ? [] : bytes.toString('latin1').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  const texts = lines.map((raw, i) => {
    const chunk = bytes.subarray(offset, offset + raw.length);
    offset += raw.length + 1;
    let line: string;
    try {
      line = decoder.decode(chunk);
    } catch {
      throw new FormatError('not UTF-8 text (expected one document per line, or JSON Lines)', { file: path, line: i + 1 });
    }
    if (line.includes('\u0000')) throw new FormatError('a NUL byte: this is not a text file (expected one document per line, or JSON Lines)', { file: path, line: i + 1 });
    return line.replace(/\r$/, '');
  });
  const firstLine = texts.find((l) => l.trim() !== '');
  const jsonl = /\.(jsonl|ndjson)$/i.test(path) || (firstLine !== undefined && /^\s*\{/.test(firstLine) && isObjectLine(firstLine));
  if (!jsonl) return texts.map((text) => ({ text }));
  return texts.map((line, i) => {
    if (line.trim() === '') return { text: '' };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new FormatError('not a JSON object (JSON Lines: one {"text": ..., "date": ...} per line)', { file: path, line: i + 1 });
    }
    const o = value as { text?: unknown; date?: unknown };
    if (typeof value !== 'object' || value === null || typeof o.text !== 'string') throw new FormatError('no "text" string in this JSON line', { file: path, line: i + 1 });
    if (o.date !== undefined && o.date !== null && (typeof o.date !== 'string' || Number.isNaN(Date.parse(o.date)))) {
      throw new FormatError(`"date" ${JSON.stringify(o.date)} is not a date (ISO 8601, e.g. 2024-05-17)`, { file: path, line: i + 1 });
    }
    return typeof o.date === 'string' ? { text: o.text, date: o.date } : { text: o.text };
  });
}

function isObjectLine(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
