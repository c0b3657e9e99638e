import { test } from 'node:test';
import { fuzzTarget } from './run-in-child.ts';

// Seeded mutants of a word2vec C -save-vocab file loaded as the vocabFile of its vectors: each gives vectors with
// sound counts or fails with an EmbedkitError naming the vocabulary file and a line.
test('fuzz: vocabulary file (vocabFile)', async () => {
  await fuzzTarget('vocab-file', 1000);
});
