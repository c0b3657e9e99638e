import { test } from 'node:test';
import { fuzzTarget } from './run-in-child.ts';

// Seeded mutants of fastText models written by fastText itself: a skipgram .bin and a quantized supervised .ftz,
// with and without limit and strict Unicode. Each loads to sound vectors (its own words and n-gram vectors of an
// unknown word finite) or fails with an EmbedkitError naming the file and the byte.
test('fuzz: fastText .bin', async () => {
  await fuzzTarget('fasttext-bin', 3000);
});

test('fuzz: fastText .ftz', async () => {
  await fuzzTarget('fasttext-ftz', 3000);
});
