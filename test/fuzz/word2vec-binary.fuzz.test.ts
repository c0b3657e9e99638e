import { test } from 'node:test';
import { fuzzTarget } from './run-in-child.ts';

// Seeded mutants of word2vec binary files (word2vec C and gensim), with and without limit, a small word cap and forced format: each loads to sound vectors or fails with an EmbedkitError naming the file and a line or byte.
test('fuzz: word2vec-binary', async () => {
  await fuzzTarget('word2vec-binary', 2000);
});
