/**
 * What the classification split scripts share: fastText's tokens (lower-cased runs of letters and digits,
 * punctuation marks as tokens), a fixed shuffle, and writing the splits with their manifest entries.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WORDS = /[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu;
export const words = (text) => (text.toLowerCase().match(WORDS) ?? []).join(' ');

/**
 * Lines in a fixed pseudo-random order (xorshift32 from a fixed seed, Fisher-Yates): the sources come grouped by
 * label, and a trainer that reads a file in order would end every pass on one label.
 */
export function shuffled(lines) {
  let x = 2463534242;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const out = [...lines];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Writes OUT/NAME.{train,test}.txt, each shuffled, and adds their line counts, label counts and SHA-256 to `manifest`. */
export function writeSplits(out, name, built, manifest) {
  for (const part of ['train', 'test']) {
    const lines = shuffled(built[part]);
    const body = lines.join('\n') + '\n';
    writeFileSync(join(out, `${name}.${part}.txt`), body);
    const labels = {};
    for (const line of lines) {
      const l = line.slice(0, line.indexOf(' '));
      labels[l] = (labels[l] ?? 0) + 1;
    }
    manifest[`${name}.${part}.txt`] = { lines: lines.length, labels, sha256: createHash('sha256').update(body).digest('hex') };
  }
}
