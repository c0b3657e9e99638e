import { test } from 'node:test';
import { fuzzTarget } from './run-in-child.ts';

// Seeded mutants of word2vec text files (word2vec C and gensim), with and without limit, small caps and forced format: each loads to sound vectors or fails with an EmbedkitError naming the file and a line or byte.
test('fuzz: word2vec-text', async () => {
  await fuzzTarget('word2vec-text', 2000);
});
