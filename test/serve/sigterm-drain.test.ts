import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { resolve } from 'node:path';
import { serverCli } from './helpers/cli.ts';

/**
 * SIGTERM (what a service manager sends before a restart) lets the requests in flight finish before the server
 * exits; it used to exit at once and drop them. A request whose body is still arriving is in flight: the rest of
 * its body is sent after the signal, and its answer must still come.
 */
const vectors = resolve('test/fixtures/fasttext/tiny-skipgram.vec');

test('embedkit serve drains in-flight requests on SIGTERM, then exits', { timeout: 30_000 }, async () => {
  const run = serverCli(['serve', vectors, '--port', '0']);
  const url = new URL(await run.url);
  const body = JSON.stringify({ model: 'tiny-skipgram', input: 'the cat' });
  const socket = connect(Number(url.port), url.hostname);
  let answer = '';
  socket.on('data', (d: Buffer) => (answer += d.toString()));
  const closed = new Promise<void>((ok) => socket.on('close', () => ok()));
  socket.on('error', () => {});
  await new Promise<void>((ok) => socket.once('connect', () => ok()));
  const head = `POST /v1/embeddings HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  socket.write(head + body.slice(0, 10));
  await new Promise((ok) => setTimeout(ok, 300)); // the request has reached the server, its body half sent
  const exited = new Promise<number | null>((ok) => run.child.once('exit', (code) => ok(code)));
  run.child.kill('SIGTERM');
  await new Promise((ok) => setTimeout(ok, 300));
  socket.end(body.slice(10));
  await closed;
  assert.match(answer, /^HTTP\/1\.1 200/, `answer after SIGTERM: ${JSON.stringify(answer.slice(0, 200))}\n${run.stderr()}`);
  assert.match(answer, /"embedding":\[/);
  const code = await exited;
  assert.ok(code === 0 || code === 143, `exit code ${code}`);
});
