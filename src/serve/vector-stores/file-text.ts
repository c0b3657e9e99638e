import { fileKind } from '../../search/ingest-files.ts';
import { htmlToText, markdownToText } from '../../search/text-extract.ts';
import type { LastError } from './objects.ts';

/**
 * The text of an uploaded file, or why it has none. Only text is indexed: a NUL byte marks a binary file (no text
 * encoding in use here produces one), and bytes that are not UTF-8 are refused rather than decoded with
 * replacement characters, which would index garbage silently. The reason names the first bad byte's offset.
 */
export function fileText(data: Buffer, filename: string): { text: string } | { error: LastError } {
  const nul = data.indexOf(0);
  if (nul >= 0) {
    return { error: { code: 'unsupported_file', message: `${filename} is not a text file: it holds binary data (a NUL byte at offset ${nul}); upload UTF-8 text.` } };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(data);
  } catch {
    return { error: { code: 'unsupported_file', message: `${filename} is not valid UTF-8 text (first bad byte at offset ${firstInvalidUtf8(data)}); upload UTF-8 text.` } };
  }
  // Markup becomes its text, as embedkit/search's file ingest reads it (the same files give the same passages).
  const kind = fileKind(filename);
  if (kind === 'html') text = htmlToText(text).text;
  else if (kind === 'markdown') text = markdownToText(text).text;
  if (text.trim() === '') return { error: { code: 'invalid_file', message: `${filename} holds no text to index.` } };
  return { text };
}

/** The offset of the first byte that does not continue a valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}
