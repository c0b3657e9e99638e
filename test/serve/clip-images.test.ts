import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { ClipEncoder } from '../../src/encoders/clip.ts';
import { startServer, type RunningServer } from '../../src/serve/app.ts';
import { openServedModel, staticModel } from '../../src/serve/models.ts';
import { heldout, heldoutPng, TINY_CLIP } from '../helpers/tiny-clip.ts';
import { pngClaiming } from '../helpers/png-bomb.ts';
import { structuredModel } from './helpers/model.ts';
import { openaiError, post } from './helpers/server.ts';

const dataUrl = (png: Uint8Array) => `data:image/png;base64,${Buffer.from(png).toString('base64')}`;

function assertClose(actual: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(actual.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(actual[i] - want[i]) <= tol, `coordinate ${i}: ${actual[i]} vs ${want[i]}`);
}

/** A local HTTP server for remote image URLs: /ok.png, /big.png (over the limit), /slow.png (never answers), /missing.png. */
function imageHost(png: Buffer): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/ok.png') return void res.writeHead(200, { 'content-type': 'image/png' }).end(png);
    if (req.url === '/big.png') return void res.writeHead(200, { 'content-type': 'image/png', 'content-length': 50_000 }).end(Buffer.alloc(50_000, 7));
    if (req.url === '/chunked.png') {
      // No Content-Length: the limit holds while reading.
      res.writeHead(200, { 'content-type': 'image/png' });
      for (let i = 0; i < 10; i++) res.write(Buffer.alloc(10_000, 7));
      return void res.end();
    }
    if (req.url === '/slow.png') return; // never answers
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('/v1/embeddings with image inputs (tiny CLIP)', () => {
  let clip: ClipEncoder;
  let server: RunningServer;
  let remote: RunningServer;
  let host: { server: Server; url: string };
  let pngs: Buffer[];
  let client: OpenAI;
  const captions = heldout.captions.slice(0, 3);

  before(async () => {
    clip = await ClipEncoder.load(TINY_CLIP);
    pngs = await Promise.all([0, 1, 2].map(heldoutPng));
    const models = [await openServedModel('clip', TINY_CLIP), staticModel('tiny', structuredModel())];
    server = await startServer({ models, port: 0, limits: { maxImageBytes: 20_000 } });
    remote = await startServer({ models, port: 0, allowRemoteImages: true, limits: { maxImageBytes: 20_000, remoteImageTimeoutMs: 500 } });
    host = await imageHost(pngs[1]);
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-checked', maxRetries: 0 });
  });
  after(async () => {
    await server.close();
    await remote.close();
    host.server.closeAllConnections();
    host.server.close();
    await clip.dispose();
  });

  test('strings, { text } and { image } items (data URL, bare base64) give the encoder’s own vectors', async () => {
    const want = (await clip.encode([captions[0], { image: pngs[0] }, captions[1], { image: pngs[1] }])).vectors;
    const input = [captions[0], { image: dataUrl(pngs[0]) }, { text: captions[1] }, { image: pngs[1].toString('base64') }];
    const r = await post(`${server.url}/v1/embeddings`, { model: 'clip', input, encoding_format: 'float' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.data.map((d: { index: number }) => d.index), [0, 1, 2, 3]);
    for (let i = 0; i < 4; i++) assertClose(r.body.data[i].embedding, want[i]);
    // Images count no tokens; texts count theirs.
    const textTokens = (await clip.encode([captions[0], captions[1]])).tokens;
    assert.equal(r.body.usage.prompt_tokens, textTokens[0] + textTokens[1]);
  });

  test('the openai SDK sends image items as they are and decodes the base64 answer', async () => {
    const want = (await clip.encode([{ image: pngs[2] }, captions[2]])).vectors;
    const input = [{ image: dataUrl(pngs[2]) }, captions[2]] as unknown as string[];
    const r = await client.embeddings.create({ model: 'clip', input });
    assert.equal(r.data.length, 2);
    assertClose(r.data[0].embedding, want[0]);
    assertClose(r.data[1].embedding, want[1]);
    // A caption is nearer its own picture than the other pictures are.
    const f = await client.embeddings.create({ model: 'clip', input: [captions[2], ...pngs.map((p) => ({ image: dataUrl(p) }))] as unknown as string[] });
    const sims = [1, 2, 3].map((k) => f.data[0].embedding.reduce((s, x, j) => s + x * f.data[k].embedding[j], 0));
    assert.equal(sims.indexOf(Math.max(...sims)), 2);
  });

  test('a bad image is a 400 in OpenAI’s shape naming the input index, through the SDK as through raw requests', async () => {
    const corrupt = dataUrl(pngs[0].subarray(0, 60));
    const raw = await post(`${server.url}/v1/embeddings`, { model: 'clip', input: ['a red circle', { image: dataUrl(pngs[0]) }, { image: corrupt }] });
    assert.equal(raw.status, 400);
    const e = openaiError(raw.body);
    assert.equal(e.type, 'invalid_request_error');
    assert.equal(e.param, 'input');
    assert.equal(e.code, 'image_unreadable');
    assert.match(e.message, /^'\$\.input\[2\]' is invalid: .*corrupt or truncated PNG/);
    await assert.rejects(client.embeddings.create({ model: 'clip', input: [{ image: 'data:image/png;base64,' }, { image: dataUrl(Buffer.from('%PDF-1.4 not a picture')) }] as unknown as string[] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError, String(err));
      assert.equal(err.status, 400);
      assert.equal(err.code, 'image_empty');
      assert.match(err.message, /'\$\.input\[0\]' is invalid/);
      return true;
    });
    const pdf = await post(`${server.url}/v1/embeddings`, { model: 'clip', input: [{ text: 'a cross' }, { image: dataUrl(Buffer.from('%PDF-1.4 not a picture')) }] });
    assert.equal(openaiError(pdf.body).code, 'image_format');
    assert.match(openaiError(pdf.body).message, /'\$\.input\[1\]' is invalid: .*a PDF document/);
  });

  test('limits before decoding: bytes from the base64 length, pixels from the header', async () => {
    // 30,000 bytes of base64 that is not even a picture: refused for its size, never decoded (else image_format).
    const big = await post(`${server.url}/v1/embeddings`, { model: 'clip', input: [{ image: `data:image/png;base64,${Buffer.alloc(30_000, 1).toString('base64')}` }] });
    assert.equal(big.status, 400);
    assert.equal(openaiError(big.body).code, 'image_too_large');
    assert.match(openaiError(big.body).message, /'\$\.input\[0\]' is invalid: the image has 30000 bytes; this server accepts at most 20000 bytes per image/);
    const bomb = await post(`${server.url}/v1/embeddings`, { model: 'clip', input: ['x', { image: dataUrl(pngClaiming(20000, 20000)) }] });
    assert.equal(bomb.status, 400);
    assert.equal(openaiError(bomb.body).code, 'image_too_large');
    assert.match(openaiError(bomb.body).message, /'\$\.input\[1\]' is invalid: .*20000 × 20000 = 400000000 pixels, over the limit of 50000000/);
  });

  test('a text model given an image: 400; { text } items still work there', async () => {
    const r = await post(`${server.url}/v1/embeddings`, { model: 'tiny', input: ['apple', { image: dataUrl(pngs[0]) }] });
    assert.equal(r.status, 400);
    assert.equal(openaiError(r.body).code, 'image_not_supported');
    assert.match(openaiError(r.body).message, /'\$\.input\[1\]' is invalid: model tiny takes text only/);
    const t = await post(`${server.url}/v1/embeddings`, { model: 'tiny', input: [{ text: 'apple' }, 'apple'], encoding_format: 'float' });
    assert.equal(t.status, 200);
    assert.deepEqual(t.body.data[0].embedding, t.body.data[1].embedding);
  });

  test('paths are never read; URLs are fetched only with allowRemoteImages, within bytes and time', async () => {
    for (const image of ['/etc/passwd', 'file:///etc/hostname', './x.png']) {
      const r = await post(`${server.url}/v1/embeddings`, { model: 'clip', input: [{ image }] });
      assert.equal(r.status, 400, image);
      assert.match(openaiError(r.body).message, /does not read image files by path/);
    }
    const off = await post(`${server.url}/v1/embeddings`, { model: 'clip', input: [{ image: `${host.url}/ok.png` }] });
    assert.equal(openaiError(off.body).code, 'remote_images_disabled');
    const ok = await post(`${remote.url}/v1/embeddings`, { model: 'clip', input: ['a', { image: `${host.url}/ok.png` }], encoding_format: 'float' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assertClose(ok.body.data[1].embedding, (await clip.encode([{ image: pngs[1] }])).vectors[0]);
    const cases: [string, string, RegExp][] = [
      ['/big.png', 'image_too_large', /50000 bytes; this server accepts at most 20000/],
      ['/chunked.png', 'image_too_large', /over 20000 bytes/],
      ['/missing.png', 'image_unreachable', /HTTP 404/],
      ['/slow.png', 'image_unreachable', /no answer within 500 ms/],
    ];
    for (const [path, code, message] of cases) {
      const r = await post(`${remote.url}/v1/embeddings`, { model: 'clip', input: ['a', 'b', { image: `${host.url}${path}` }] });
      assert.equal(r.status, 400, path);
      assert.equal(openaiError(r.body).code, code, path);
      assert.match(openaiError(r.body).message, /^'\$\.input\[2\]' is invalid: /);
      assert.match(openaiError(r.body).message, message);
    }
  });
});
