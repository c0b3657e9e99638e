import { test } from 'node:test';
import { fuzzTarget } from './run-in-child.ts';

// Seeded mutants of gzip-compressed text vectors (.txt.gz): text mutated then compressed, and compressed bytes mutated: each loads to sound vectors or fails with an EmbedkitError naming the file and a line or byte.
test('fuzz: text-gzip', async () => {
  await fuzzTarget('text-gzip', 2000);
});
