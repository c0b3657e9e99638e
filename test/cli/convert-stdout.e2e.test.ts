/**
 * `embedkit convert IN -` writes the vectors to standard output (as `-` means everywhere else in the CLI), never
 * a file named "-"; the bytes are those the same conversion writes to a file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { describeRun, makeTempDir, REPO, runCli, word2vecText, writeFile } from './e2e-helpers.ts';

const { dir, remove } = makeTempDir();
after(remove);
const model = writeFile(dir, 'tiny.txt', word2vecText());

for (const [to, file] of [
  ['word2vec-text', 'out.txt'],
  ['word2vec-binary', 'out.bin'],
  ['glove-text', 'out.glove'],
] as const) {
  test(`convert IN - --to ${to} writes to stdout what a file would hold`, { timeout: 30_000 }, async () => {
    const toFile = await runCli(['convert', model, join(dir, file), '--to', to], dir);
    assert.equal(toFile.code, 0, describeRun(toFile));
    const r = spawnSync(process.execPath, [join(REPO, 'bin', 'embedkit.js'), 'convert', model, '-', '--to', to], { cwd: dir });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.ok(Buffer.compare(r.stdout, readFileSync(join(dir, file))) === 0, 'stdout equals the file');
    assert.equal(existsSync(join(dir, '-')), false, 'no file named "-"');
  });
}

test('convert IN - without --to writes word2vec text', { timeout: 30_000 }, () => {
  const r = spawnSync(process.execPath, [join(REPO, 'bin', 'embedkit.js'), 'convert', model, '-'], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, word2vecText());
  assert.equal(existsSync(join(dir, '-')), false, 'no file named "-"');
});
