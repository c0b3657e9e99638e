/**
 * `embedkit similar V king --topn 3000 | head -2`: a reader that stops early must not produce a Node stack; like every
 * Unix tool, the CLI exits quietly (status 0, nothing on stderr) when its stdout pipe closes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeTempDir, REPO, word2vecText, writeFile } from './e2e-helpers.ts';

const { dir, remove } = makeTempDir();
after(remove);

/** Enough words that the listing is far larger than a pipe's buffer (64 KiB on Linux). */
const N = 4000;
const words = Array.from({ length: N }, (_, i) => (i === 0 ? 'king' : `word${i}`));
const vectors = words.map((_, i) => [Math.cos(i), Math.sin(i), Math.cos(2 * i + 1), 1 + (i % 7) / 8]);
const model = writeFile(dir, 'many.txt', word2vecText(words, vectors));

/** Runs the CLI with stdout read by a consumer that closes the pipe after its first chunk, as `head -2` does. */
function runClosingEarly(args: string[]): Promise<{ code: number | null; signal: string | null; firstChunk: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'embedkit.js'), ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstChunk = '';
    let stderr = '';
    child.stdout.once('data', (d: Buffer) => {
      firstChunk = d.toString();
      child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, firstChunk, stderr }));
  });
}

for (const args of [
  ['similar', model, 'king', '--topn', String(N - 1)],
  ['similar', model, 'king', '--topn', String(N - 1), '--json'],
  ['query', model, 'king + word5', '--topn', String(N - 2)],
]) {
  test(`embedkit ${args[0]} ${args.slice(2).join(' ')} into a pipe closed early exits quietly`, { timeout: 30_000 }, async () => {
    const r = await runClosingEarly(args);
    assert.ok(r.firstChunk.length > 0, 'some output was read');
    assert.equal(r.stderr, '', `nothing on stderr (exit ${r.code}, signal ${r.signal})`);
    assert.equal(r.code, 0);
  });
}
