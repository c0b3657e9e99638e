import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Vocabulary } from '../../src/vocab/vocabulary.ts';

test('Vocabulary.indexOf agrees with a Map of first occurrences (duplicates, unicode, empty string, misses)', () => {
  const words: string[] = [];
  // Deterministic mix: ASCII, accented, CJK, astral, words differing only in high bits of a character.
  const alphabet = ['a', 'b', 'é', '北', '京', '😀', '\u0100', '\u0200', 'Z'];
  let seed = 7;
  for (let i = 0; i < 20000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    let w = '';
    for (let k = 0; k < 1 + (seed % 5); k++) w += alphabet[(seed >>> (3 * k + 4)) % alphabet.length];
    words.push(w);
  }
  words.push('', 'a', '');
  const first = new Map<string, number>();
  words.forEach((w, i) => {
    if (!first.has(w)) first.set(w, i);
  });
  const vocab = new Vocabulary(words);
  assert.equal(vocab.distinctSize, first.size);
  for (const [w, i] of first) assert.equal(vocab.indexOf(w), i, JSON.stringify(w));
  // Fresh string objects (not the ones stored) are found by content.
  for (const [w, i] of first) assert.equal(vocab.indexOf([...w].join('')), i);
  for (const miss of ['zzz', 'aé北京😀Z', '\u0300', 'a ']) {
    assert.equal(first.has(miss), false);
    assert.equal(vocab.indexOf(miss), -1);
    assert.equal(vocab.has(miss), false);
  }
  assert.equal(vocab.has(words[0]), true);
  assert.equal(new Vocabulary([]).indexOf('a'), -1);
});
