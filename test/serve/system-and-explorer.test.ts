import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RunningServer } from '../../src/serve/app.ts';
import { CLUSTERS, cosine, structuredModel } from './helpers/model.ts';
import { get, openaiError, post, testServer } from './helpers/server.ts';

const model = structuredModel();
let server: RunningServer;
before(async () => {
  server = await testServer();
});
after(() => server.close());

test('GET /v1/models: OpenAI list shape', async () => {
  const r = await get(`${server.url}/v1/models`);
  assert.equal(r.status, 200);
  assert.equal(r.body.object, 'list');
  assert.deepEqual(Object.keys(r.body.data[0]).sort(), ['created', 'id', 'object', 'owned_by']);
  assert.equal(r.body.data[0].id, 'tiny');
  const missing = await get(`${server.url}/v1/models/other`);
  assert.equal(missing.status, 404);
  assert.equal(openaiError(missing.body).code, 'model_not_found');
});

test('GET /health', async () => {
  const r = await get(`${server.url}/health`);
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ok');
  assert.deepEqual(r.body.models, ['tiny']);
});

test('GET /metrics: Prometheus text with requests, latency histogram, tokens and errors', async () => {
  // A server of its own, so the counts are exactly this test's requests.
  const fresh = await testServer();
  await post(`${fresh.url}/v1/embeddings`, { model: 'tiny', input: ['apple pear', 'cat'] });
  await post(`${fresh.url}/v1/embeddings`, { model: 'nope', input: 'cat' });
  const r = await get(`${fresh.url}/metrics`);
  await fresh.close();
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = r.body as string;
  const value = (line: string) => {
    const found = text.split('\n').find((l) => l.startsWith(line + ' '));
    assert.ok(found, `metrics have ${line}\n${text}`);
    return Number(found.slice(line.length + 1));
  };
  assert.equal(value('embedkit_http_requests_total{route="/v1/embeddings",method="POST",status="200"}'), 1);
  assert.equal(value('embedkit_http_requests_total{route="/v1/embeddings",method="POST",status="404"}'), 1);
  assert.equal(value('embedkit_embedding_tokens_total{model="tiny"}'), 3);
  assert.equal(value('embedkit_embedding_inputs_total{model="tiny"}'), 2);
  assert.equal(value('embedkit_errors_total{type="invalid_request_error",code="model_not_found"}'), 1);
  assert.equal(value('embedkit_http_request_duration_seconds_count{route="/v1/embeddings"}'), 2);
  assert.equal(value('embedkit_http_request_duration_seconds_bucket{route="/v1/embeddings",le="+Inf"}'), 2);
  assert.ok(value('embedkit_process_resident_memory_bytes') > 0);
  // Histogram buckets are cumulative: counts never fall as le grows, and +Inf holds every request.
  const buckets = text.split('\n').filter((l) => l.startsWith('embedkit_http_request_duration_seconds_bucket{route="/v1/embeddings"')).map((l) => Number(l.split(' ')[1]));
  assert.ok(buckets.length > 5);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i] >= buckets[i - 1], `bucket ${i} is cumulative`);
  for (const name of ['embedkit_http_requests_total', 'embedkit_http_request_duration_seconds', 'embedkit_errors_total']) {
    assert.match(text, new RegExp(`^# TYPE ${name} (counter|histogram)$`, 'm'));
  }
});

test('/api/similar: neighbours of a word are its cluster, scores are cosines', async () => {
  const r = await get(`${server.url}/api/similar?word=lion&topn=7`);
  assert.equal(r.status, 200);
  assert.deepEqual(new Set(r.body.neighbours.map((n: { word: string }) => n.word)), new Set(CLUSTERS.animal.filter((w) => w !== 'lion')));
  const tiger = r.body.neighbours.find((n: { word: string }) => n.word === 'tiger');
  assert.ok(Math.abs(tiger.score - cosine(model.get('lion'), model.get('tiger'))) < 1e-5);
  const unknown = await get(`${server.url}/api/similar?word=nothing`);
  assert.equal(unknown.status, 404);
  assert.equal(openaiError(unknown.body).code, 'word_not_found');
  assert.equal((await get(`${server.url}/api/similar?word=lion&topn=0`)).status, 400);
  assert.equal((await get(`${server.url}/api/similar?word=lion&model=x`)).status, 404);
});

test('/api/analogy and /api/similarity', async () => {
  // a is to b as c is to ?: man is to king as woman is to queen (b − a + c), as the analogy command answers.
  const a = await get(`${server.url}/api/analogy?a=man&b=king&c=woman&topn=3`);
  assert.equal(a.status, 200);
  assert.equal(a.body.results[0].word, 'queen');
  const s = await get(`${server.url}/api/similarity?a=cat&b=${encodeURIComponent('北京')}`);
  assert.ok(Math.abs(s.body.similarity - cosine(model.get('cat'), model.get('北京'))) < 1e-5);
  assert.equal((await get(`${server.url}/api/analogy?a=king&b=man`)).status, 400);
});

test('/api/suggest lists words by prefix', async () => {
  const r = await get(`${server.url}/api/suggest?prefix=fill&limit=3`);
  assert.deepEqual(r.body.words, ['filler0', 'filler1', 'filler2']);
});

test('/api/projection: every method places the words with their clusters apart', async () => {
  for (const method of ['pca', 'tsne', 'umap']) {
    const r = await post(`${server.url}/api/projection`, { words: ['apple', 'wolf', '上海', 'unknownword'], neighbours: 5, method });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.method, method);
    assert.deepEqual(r.body.missing, ['unknownword']);
    const pts = r.body.points as { word: string; x: number; y: number; group: number; query: boolean }[];
    assert.equal(pts.length, 18);
    assert.deepEqual(pts.filter((p) => p.query).map((p) => p.word), ['apple', 'wolf', '上海']);
    // Each point's nearest point on the map is in its own group (clusters stay together).
    for (const p of pts) {
      let best = pts[0] === p ? pts[1] : pts[0];
      for (const q of pts) if (q !== p && Math.hypot(q.x - p.x, q.y - p.y) < Math.hypot(best.x - p.x, best.y - p.y)) best = q;
      assert.equal(best.group, p.group, `${method}: ${p.word} is nearest to ${best.word}`);
    }
  }
  const bad = await post(`${server.url}/api/projection`, { words: ['apple'], method: 'mds' });
  assert.equal(bad.status, 400);
  assert.equal(openaiError(bad.body).param, 'method');
});

test('the page and its assets are served', async () => {
  const page = await fetch(`${server.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const html = await page.text();
  for (const asset of ['app.js', 'style.css']) {
    assert.ok(html.includes(asset));
    assert.equal((await fetch(`${server.url}/${asset}`)).status, 200);
  }
  assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/, 'no external resources');
});
