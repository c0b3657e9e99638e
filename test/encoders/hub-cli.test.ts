import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startLocalHub, type LocalHub } from '../helpers/local-hub.ts';
import { BIN, maxDiff } from '../helpers/encoder-tests.ts';

const TINY_BERT = 'test/fixtures/tiny-bert';
const ref = JSON.parse(readFileSync(join(TINY_BERT, 'reference.json'), 'utf8')) as { singles: { texts: string[]; vectors: { mean: number[][] } } };
const COMMIT = 'd'.repeat(40);

/** Runs the CLI with the local hub and cache in its environment; resolves with the exit code and output. */
function embedkit(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('embedkit embed hf:ORG/NAME against a local hub', () => {
  let dir: string;
  let hub: LocalHub;
  let env: Record<string, string>;
  let input: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'embedkit-hub-cli-'));
    input = join(dir, 'texts.txt');
    writeFileSync(input, `${ref.singles.texts.join('\n')}\n`);
    hub = await startLocalHub({ 'test/tiny-bert': { refs: { main: COMMIT }, commits: { [COMMIT]: TINY_BERT } } });
    env = { EMBEDKIT_HUB_URL: hub.url, EMBEDKIT_CACHE: join(dir, 'cache') };
  });
  after(async () => {
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('offline with an empty cache: exit 1 and the missing files, no request', async () => {
    const r = await embedkit(env, 'embed', 'hf:test/tiny-bert', '--input', input, '--output', join(dir, 'never.jsonl'), '--offline');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /embedkit: hf:test\/tiny-bert is not in the cache .*cache and downloads are off \(offline\): missing config\.json/);
    assert.deepEqual(hub.requests, []);
  });

  test('the first run downloads (a line per file), then embeds as torch does; a second run is offline-ready', async () => {
    const out = join(dir, 'out.jsonl');
    const first = await embedkit(env, 'embed', 'hf:test/tiny-bert', '--input', input, '--output', out);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /embedkit: downloaded test\/tiny-bert onnx\/model\.onnx \(126\.2 KiB\)/);
    assert.match(first.stderr, /embedkit: downloaded test\/tiny-bert config\.json/);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { embedding: number[] });
    assert.equal(rows.length, ref.singles.texts.length);
    rows.forEach((r, i) => assert.ok(maxDiff(r.embedding, ref.singles.vectors.mean[i]) < 1e-5, `row ${i}`));

    hub.requests.length = 0;
    const again = join(dir, 'again.jsonl');
    const second = await embedkit(env, 'embed', 'hf:test/tiny-bert', '--input', input, '--output', again, '--offline');
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /downloaded/);
    assert.equal(readFileSync(again, 'utf8'), readFileSync(out, 'utf8'));
    assert.deepEqual(hub.requests, []);

    const tokens = await embedkit(env, 'tokens', 'hf:test/tiny-bert', ref.singles.texts[0], '--offline', '--json');
    assert.equal(tokens.code, 0, tokens.stderr);
    assert.ok((JSON.parse(tokens.stdout) as { tokens: unknown[] }[])[0].tokens.length > 2);
    assert.deepEqual(hub.requests, []);
  });
});
