/** `embedkit plot ... -o x.jpg` would write PNG bytes under a JPEG name: refused, naming .png, before any work. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { describeRun, makeTempDir, runCli, word2vecText, writeFile } from './e2e-helpers.ts';

const { dir, remove } = makeTempDir();
after(remove);
const model = writeFile(dir, 'tiny.txt', word2vecText());

for (const name of ['map.jpg', 'map.jpeg', 'map', 'map.svg']) {
  test(`plot -o ${name} is refused, naming .png, and writes nothing`, { timeout: 30_000 }, async () => {
    const output = join(dir, name);
    const r = await runCli(['plot', model, 'king', 'queen', '-o', output]);
    assert.equal(r.code, 1, describeRun(r));
    assert.match(r.stderr, /^embedkit: .*\.png/, describeRun(r));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(existsSync(output), false);
  });
}
