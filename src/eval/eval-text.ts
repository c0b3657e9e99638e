import { readFileSync } from 'node:fs';
import { FormatError } from '../errors.ts';

/**
 * Reading evaluation files the way the reference evaluator reads them, so results agree: strict UTF-8,
 * Python's notion of whitespace for splitting, Python's float syntax for scores.
 */

/** A line of an evaluation file with its 1-based number. */
export interface NumberedLine {
  text: string;
  line: number;
}

/**
 * The lines of a UTF-8 file (a leading byte-order mark is dropped). Invalid UTF-8 is a FormatError naming
 * the line and the byte offset of the first bad byte.
 * `universalNewlines` also ends lines at a lone '\r' (text-mode reading); otherwise only '\n' ends a line
 * and a trailing '\r' is left to whitespace splitting.
 */
export function readLines(path: string, universalNewlines: boolean): NumberedLine[] {
  const bytes = readFileSync(path);
  const text = decodeStrict(bytes, path);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const parts = body.split(universalNewlines ? /\r\n|\r|\n/ : '\n');
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop(); // the newline ending the last line
  return parts.map((t, i) => ({ text: t, line: i + 1 }));
}

function decodeStrict(bytes: Buffer, path: string): string {
  const text = bytes.toString('utf8');
  // Decoding replaces each invalid sequence with U+FFFD; the first byte where re-encoding differs from the
  // file is the first invalid byte (a valid prefix always re-encodes to the same bytes).
  const again = Buffer.from(text, 'utf8');
  if (again.equals(bytes)) return text;
  let byte = 0;
  while (byte < bytes.length && bytes[byte] === again[byte]) byte++;
  let line = 1;
  for (let i = 0; i < byte; i++) if (bytes[i] === 0x0a) line++;
  throw new FormatError(`invalid UTF-8 (byte 0x${bytes[byte].toString(16).padStart(2, '0')})`, { file: path, line, byte });
}

/** Whitespace as Python's str.split() and str.strip() understand it (Unicode White_Space plus \x1c–\x1f). */
const UNICODE_SPACE = '\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACE = `\\t\\n\\v\\f\\r\\x1c-\\x20${UNICODE_SPACE}`;
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE}]+`);
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/** Python's str.split() with no separator: runs of whitespace separate, empty fields never appear. */
export function splitWhitespace(s: string): string[] {
  const fields = s.split(PY_SPACE_RUN);
  if (fields.length > 0 && fields[0] === '') fields.shift();
  if (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields;
}

/** Python's str.strip() with no argument. */
export function stripWhitespace(s: string): string {
  return s.replace(PY_STRIP, '');
}

// float() strips the same whitespace except the separators \x1c–\x1f.
const FLOAT_SPACE = `\\t\\n\\v\\f\\r ${UNICODE_SPACE}`;
const FLOAT_STRIP = new RegExp(`^[${FLOAT_SPACE}]+|[${FLOAT_SPACE}]+$`, 'g');
const DIGITS = '\\d(?:_?\\d)*';
const PY_FLOAT = new RegExp(`^[+-]?(?:(?:${DIGITS}(?:\\.(?:${DIGITS})?)?|\\.${DIGITS})(?:[eE][+-]?${DIGITS})?|inf|infinity|nan)$`, 'i');

/** Python's float(s): surrounding whitespace allowed, underscores between digits, inf/nan; null when invalid. */
export function parsePythonFloat(s: string): number | null {
  const t = s.replace(FLOAT_STRIP, '');
  if (!PY_FLOAT.test(t)) return null;
  const lower = t.toLowerCase().replace(/_/g, '');
  const sign = lower.startsWith('-') ? -1 : 1;
  const bare = lower.replace(/^[+-]/, '');
  if (bare === 'nan') return NaN;
  if (bare === 'inf' || bare === 'infinity') return sign * Infinity;
  return Number(lower);
}
