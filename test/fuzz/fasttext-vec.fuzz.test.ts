import { test } from 'node:test';
import { fuzzTarget } from './run-in-child.ts';

// Seeded mutants of fastText .vec files (fastText and gensim), with limit, small caps, and read as header-optional GloVe text: each loads to sound vectors or fails with an EmbedkitError naming the file and a line or byte.
test('fuzz: fasttext-vec', async () => {
  await fuzzTarget('fasttext-vec', 2000);
});
