import { test } from 'node:test';
import { fuzzTarget } from './run-in-child.ts';

// Seeded mutants of files of every format loaded through format detection, where a mutant may pass for another format: each loads to sound vectors or fails with an EmbedkitError naming the file and a line or byte.
test('fuzz: auto-detect', async () => {
  await fuzzTarget('auto-detect', 2000);
});
