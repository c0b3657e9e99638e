import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { toFile } from 'openai';
import type OpenAI from 'openai';
import type { RunningServer } from '../../src/serve/app.ts';
import { json, rawConnection } from './helpers/raw-http.ts';
import { tempCollectionsDir, vectorStoreServer } from './helpers/vector-stores.ts';

// Uploads are written to disk as they arrive, under a temporary name in DIR/.files, and appear under their id only
// once whole: a reader never sees half a file, the size limit refuses an upload as its bytes pass it (413 in OpenAI's
// shape, without waiting for the rest), and an upload cut short leaves nothing.

const LIMIT = 256 * 1024;
const tmp = tempCollectionsDir();
const filesDir = join(tmp.dir, '.files');
let server: RunningServer;
let client: OpenAI;

before(async () => {
  ({ server, client } = await vectorStoreServer(tmp.dir, { uploadLimit: LIMIT }));
});
after(async () => {
  await server?.close();
  tmp.remove();
});

const BOUNDARY = 'embedkit-test-boundary';
const head = (filename: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nassistants\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/** A POST /v1/files whose body is sent chunked (no length announced), piece by piece as the test writes it. */
function openUpload(): { req: ClientRequest; response: Promise<{ status: number; body: string }> } {
  const { hostname, port } = new URL(server.url);
  const req = request({ host: hostname, port, method: 'POST', path: '/v1/files', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
  const response = new Promise<{ status: number; body: string }>((ok, fail) => {
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', fail);
  });
  response.catch(() => undefined);
  req.flushHeaders();
  return { req, response };
}

const write = (req: ClientRequest, bytes: Buffer) => new Promise<void>((ok, fail) => req.write(bytes, (err) => (err ? fail(err) : ok())));

/** The entries of DIR/.files: file folders by id, and uploads still being received. */
function entries(): { files: string[]; uploads: string[] } {
  const names = readdirSync(filesDir);
  return { files: names.filter((n) => n.startsWith('file-')), uploads: names.filter((n) => n.startsWith('.upload-')) };
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

test('an upload is on disk under a temporary name while it arrives, and under its id only once whole', async () => {
  // Binary content full of CRLF and dashes, so that delimiter-like bytes cross the reads' edges.
  const content = Buffer.concat([randomBytes(100_000), Buffer.from(`\r\n--${BOUNDARY.slice(0, 10)}\r\n--`), randomBytes(100_000)]);
  const before = entries().files;
  const { req, response } = openUpload();
  await write(req, head('data.bin'));
  await write(req, content.subarray(0, 150_000));
  // The first 150 kB are written to the upload's folder before the rest is sent: the server holds none of it.
  let written = 0;
  await until('the first half is on disk', () => {
    const [upload] = entries().uploads;
    written = upload ? statSync(join(filesDir, upload, 'content'), { throwIfNoEntry: false })?.size ?? 0 : 0;
    return written >= 150_000 - 200;
  });
  assert.deepEqual(entries().files, before, 'no file under an id yet');
  assert.ok(!(await client.files.list()).data.some((f) => f.filename === 'data.bin'));

  await write(req, content.subarray(150_000));
  req.end(tail);
  const res = await response;
  assert.equal(res.status, 200, res.body);
  const file = JSON.parse(res.body) as { id: string; bytes: number; filename: string };
  assert.equal(file.bytes, content.length);
  assert.equal(file.filename, 'data.bin');
  assert.deepEqual(entries(), { files: [...before, file.id].sort(), uploads: [] });
  assert.ok(Buffer.from(await (await client.files.content(file.id)).arrayBuffer()).equals(content));
});

test('the SDK uploads a file just under the limit byte for byte; one just over gets 413', async () => {
  const fits = randomBytes(LIMIT - 1024);
  const f = await client.files.create({ file: await toFile(fits, 'fits.bin'), purpose: 'user_data' });
  assert.equal(f.bytes, fits.length);
  assert.ok(Buffer.from(await (await client.files.content(f.id)).arrayBuffer()).equals(fits));
  await assert.rejects(client.files.create({ file: await toFile(randomBytes(LIMIT), 'over.bin'), purpose: 'user_data' }), (err: unknown) => {
    assert.equal((err as { status?: number }).status, 413);
    assert.equal((err as { code?: string }).code, 'request_too_large');
    return true;
  });
  await until('the refused upload is gone', () => entries().uploads.length === 0);
});

test('past the limit, a chunked upload is refused as its bytes arrive, and leaves nothing', async () => {
  const before = entries().files;
  // A raw socket: a client library may drop an answer that comes while it is still sending.
  const { socket, hostname, port, answer, closed } = await rawConnection(server.url);
  const chunked = (bytes: Buffer) => Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
  socket.write(`POST /v1/files HTTP/1.1\r\nhost: ${hostname}:${port}\r\ncontent-type: multipart/form-data; boundary=${BOUNDARY}\r\ntransfer-encoding: chunked\r\n\r\n`);
  socket.write(chunked(head('huge.bin')));
  let sent = 0;
  const started = Date.now();
  // Sent as a client would, 16 KiB at a time, until the answer (or the end of the connection) comes; never ended.
  while (!closed() && answer() === '' && Date.now() - started < 5000) {
    socket.write(chunked(randomBytes(16 * 1024)));
    sent += 16 * 1024;
    await sleep(5);
  }
  while (!closed() && Date.now() - started < 5000) await sleep(20);
  socket.destroy();
  assert.match(answer(), /^HTTP\/1\.1 413/);
  assert.ok(closed(), 'the server closed the connection');
  assert.ok(sent < LIMIT + 256 * 1024, `the server stopped reading soon after the limit (${sent} bytes sent)`);
  assert.deepEqual((json(answer()) as { error: unknown }).error, {
    message: "Request body too large: it exceeds the server's limit on request size.",
    type: 'invalid_request_error',
    param: null,
    code: 'request_too_large',
  });
  await until('the refused upload is gone', () => entries().uploads.length === 0);
  assert.deepEqual(entries().files, before);
});

test('an upload whose client goes away leaves nothing', async () => {
  const before = entries().files;
  const { req, response } = openUpload();
  response.catch(() => undefined);
  await write(req, head('cut.bin'));
  await write(req, randomBytes(100_000));
  await until('the upload has begun', () => entries().uploads.length === 1);
  req.destroy();
  await until('the cut upload is gone', () => entries().uploads.length === 0);
  assert.deepEqual(entries().files, before);
  assert.ok(!(await client.files.list()).data.some((f) => f.filename === 'cut.bin'));
});

test('a server starting over the folder removes uploads cut short by dead processes of its machine, and no others', async () => {
  const dead = spawnSync(process.execPath, ['-e', '']).pid!;
  const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 12);
  const left = {
    dead: `.upload-${host}-${dead}-00aa`,
    live: `.upload-${host}-${process.pid}-00bb`,
    elsewhere: `.upload-000000000000-${dead}-00cc`,
  };
  for (const name of Object.values(left)) {
    mkdirSync(join(filesDir, name));
    writeFileSync(join(filesDir, name, 'content'), 'partial');
  }
  const other = await vectorStoreServer(tmp.dir);
  try {
    assert.deepEqual(entries().uploads.sort(), [left.elsewhere, left.live].sort());
  } finally {
    await other.server.close();
    for (const name of Object.values(left)) rmSync(join(filesDir, name), { recursive: true, force: true });
  }
});
