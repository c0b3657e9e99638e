import { test } from 'node:test';
import { fuzzTarget } from './run-in-child.ts';

// Seeded mutants of GloVe text files (GloVe C and embedkit, header-less), with limit, small caps and the forced glove-text format: each loads to sound vectors or fails with an EmbedkitError naming the file and a line or byte.
test('fuzz: glove-text', async () => {
  await fuzzTarget('glove-text', 2000);
});
