/**
 * A port that is already taken: `serve` names it and suggests --port (no Node stack); `start` (what `npm start`
 * runs) moves on to the next free port and says so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { saveEmbeddings } from '../../src/formats/index.ts';
import { serverCli, stop } from './helpers/cli.ts';
import { structuredModel } from './helpers/model.ts';

const dir = mkdtempSync(join(tmpdir(), 'embedkit-port-'));
const vectors = join(dir, 'tiny.txt');
let busy: Server;
let busyPort: number;

before(async () => {
  await saveEmbeddings(structuredModel(), vectors, { format: 'word2vec-text' });
  busy = createServer();
  await new Promise<void>((ok) => busy.listen(0, '127.0.0.1', ok));
  busyPort = (busy.address() as { port: number }).port;
});
after(async () => {
  await new Promise((ok) => busy.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

test('embedkit serve on a busy port names the port and suggests --port, without a stack', { timeout: 30_000 }, () => {
  const r = spawnSync(process.execPath, ['bin/embedkit.js', 'serve', vectors, '--port', String(busyPort)], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`port ${busyPort}.*in use`));
  assert.match(r.stderr, /--port/);
  assert.doesNotMatch(r.stderr, /EADDRINUSE|\n\s+at /);
});

test('embedkit start on a busy port serves on the next free one and says so', { timeout: 30_000 }, async () => {
  const run = serverCli(['start', '--port', String(busyPort)], { env: { EMBEDKIT_MODEL: `tiny=${vectors}` } });
  try {
    const url = await run.url;
    const port = Number(new URL(url).port);
    assert.ok(port > busyPort && port <= busyPort + 20, `served on ${url}`);
    assert.match(run.stderr(), new RegExp(`port ${busyPort} is in use.*${port}`));
    assert.equal((await fetch(`${url}/health`)).status, 200);
  } finally {
    await stop(run.child);
  }
});
