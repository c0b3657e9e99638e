import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackedWords } from '../../src/formats/packed-words.ts';
import { decodeWord, type UnicodeErrors } from '../../src/formats/utf8.ts';

/** Word byte strings: ASCII, valid multi-byte UTF-8, and invalid sequences (cut characters, stray bytes). */
const samples: Buffer[] = [
  Buffer.from('king'),
  Buffer.from('königin'),
  Buffer.from('北京'),
  Buffer.from('😀x'),
  Buffer.from([0x61, 0xe2, 0x82]), // "a" + a 3-byte character cut after 2 bytes
  Buffer.from([0xff, 0x62]),
  Buffer.from([0xc3]),
  Buffer.from('tab\there'),
  Buffer.from('new\nline'),
];

function packAll(words: Buffer[], mode: UnicodeErrors, batchBytes?: number): string[] | null {
  const packed = new PackedWords(mode, 8, batchBytes);
  // All words live in one buffer, as they do in a file.
  const file = Buffer.concat(words);
  let at = 0;
  for (const w of words) {
    if (!packed.add(file, at, at + w.length)) return null;
    at += w.length;
  }
  return packed.finish();
}

test('PackedWords decodes each word exactly as decoding it alone would, in every unicode-errors mode', () => {
  for (const mode of ['replace', 'ignore'] as const) {
    const expected = samples.map((w) => decodeWord(w, 0, w.length, mode));
    assert.deepEqual(packAll(samples, mode), expected, mode);
    // Tiny batches: decoded a few words at a time, same result.
    assert.deepEqual(packAll(samples, mode, 12), expected, `${mode}, small batches`);
  }
  const valid = samples.slice(0, 4).concat(samples.slice(7));
  assert.deepEqual(
    packAll(valid, 'strict', 10),
    valid.map((w) => w.toString('utf8')),
  );
});

test('PackedWords in strict mode refuses a word with invalid UTF-8 and adds nothing', () => {
  const packed = new PackedWords('strict', 0);
  const ok = Buffer.from('ok');
  const bad = Buffer.from([0x61, 0xe2, 0x82]);
  assert.equal(packed.add(ok, 0, ok.length), true);
  assert.equal(packed.add(bad, 0, bad.length), false);
  assert.equal(packed.add(ok, 0, 1), true);
  assert.deepEqual(packed.finish(), ['ok', 'o']);
});

test('PackedWords: many ASCII words across batches keep their order; none gives an empty list', () => {
  const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}${'x'.repeat(i % 17)}`);
  assert.deepEqual(packAll(words.map((w) => Buffer.from(w)), 'strict', 1000), words);
  assert.deepEqual(new PackedWords('strict', 0).finish(), []);
});
