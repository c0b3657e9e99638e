/**
 * Decoding words from raw bytes. Vector files written by the word2vec C tool can hold words cut in the middle
 * of a multi-byte character (it truncates long words by bytes), so the caller chooses what happens to invalid
 * UTF-8: 'strict' reports its byte offset, 'replace' puts U+FFFD for each maximal invalid subpart (the Unicode
 * recommendation, as Python and TextDecoder do), 'ignore' drops those bytes.
 */
export type UnicodeErrors = 'strict' | 'replace' | 'ignore';

/**
 * Length of the well-formed UTF-8 sequence at `i`, or the negated length of the maximal invalid subpart
 * starting there (at least 1).
 */
function sequenceAt(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) need = 1;
  else if (c >= 0xe0 && c <= 0xef) {
    need = 2;
    if (c === 0xe0) lo = 0xa0; // no overlong forms
    if (c === 0xed) hi = 0x9f; // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    need = 3;
    if (c === 0xf0) lo = 0x90;
    if (c === 0xf4) hi = 0x8f; // nothing above U+10FFFF
  } else return -1;
  for (let k = 1; k <= need; k++) {
    const j = i + k;
    if (j >= end) return -k;
    const d = b[j];
    const min = k === 1 ? lo : 0x80;
    const max = k === 1 ? hi : 0xbf;
    if (d < min || d > max) return -k;
  }
  return need + 1;
}

/** Index of the first byte of invalid UTF-8 in `b[start, end)`, or -1 when it is all valid. */
export function invalidUtf8At(b: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end; ) {
    if (b[i] < 0x80) {
      i++;
      continue;
    }
    const n = sequenceAt(b, i, end);
    if (n < 0) return i;
    i += n;
  }
  return -1;
}

/**
 * The word in `b[start, end)`, or null when it is invalid UTF-8 and `mode` is 'strict' (the caller then
 * reports invalidUtf8At()). ASCII words, nearly all of them, take the fast path.
 */
export function decodeWord(b: Buffer, start: number, end: number, mode: UnicodeErrors): string | null {
  let ascii = true;
  for (let i = start; i < end; i++) {
    if (b[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return b.toString('latin1', start, end);
  if (mode === 'replace') return b.toString('utf8', start, end);
  if (mode === 'strict') return invalidUtf8At(b, start, end) < 0 ? b.toString('utf8', start, end) : null;
  // 'ignore': keep the valid runs, drop each invalid subpart.
  let out = '';
  let runStart = start;
  for (let i = start; i < end; ) {
    if (b[i] < 0x80) {
      i++;
      continue;
    }
    const n = sequenceAt(b, i, end);
    if (n > 0) {
      i += n;
      continue;
    }
    out += b.toString('utf8', runStart, i);
    i += -n;
    runStart = i;
  }
  return out + b.toString('utf8', runStart, end);
}
