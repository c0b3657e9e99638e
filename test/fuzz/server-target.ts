// The server's request bodies under fuzz: valid requests to POST /v1/embeddings, /embeddings and the page's
// /api/projection (and the query strings of the page's GET /api/* routes), mutated structurally (json-mutate.ts)
// and byte by byte (mutate.ts), sent with fastify's inject to an app over a small model. Every answer must be a
// success with a JSON body or a 4xx in OpenAI's error shape: never a 5xx.
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../src/serve/app.ts';
import { staticModel } from '../../src/serve/models.ts';
import { structuredModel } from '../serve/helpers/model.ts';
import type { Case, Outcome } from './fuzz-child.ts';
import { fromValue, mutateJson, serialize } from './json-mutate.ts';
import { mutate, rng } from './mutate.ts';

const BODIES: { url: string; body: unknown }[] = [
  { url: '/v1/embeddings', body: { model: 'tiny', input: 'the king and the queen', user: 'someone' } },
  { url: '/v1/embeddings', body: { model: 'tiny', input: ['apple banana', 'cat dog'], encoding_format: 'base64', dimensions: 8 } },
  { url: '/v1/embeddings', body: { model: 'tiny', input: [[1, 2, 3], [4]], encoding_format: 'float', user: 'u' } },
  { url: '/embeddings', body: { model: 'tiny', input: [5, 6, 7], dimensions: 4, user: 'u' } },
  { url: '/api/projection', body: { model: 'tiny', words: ['king', 'queen', 'cat'], neighbours: 2, method: 'pca' } },
];

const QUERIES = [
  '/api/similar?model=tiny&word=king&topn=3',
  '/api/analogy?a=man&b=king&c=woman&topn=2',
  '/api/similarity?model=tiny&a=cat&b=dog',
  '/api/suggest?prefix=ca&limit=5',
  '/v1/models/tiny',
];

/** Bytes a request target may carry as they are; every other byte is sent percent-encoded. */
const URL_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/;

function asTarget(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += URL_SAFE.test(c) ? c : `%${b.toString(16).padStart(2, '0').toUpperCase()}`;
  }
  return out.startsWith('/') ? out : `/${out}`;
}

/** An OpenAI error body: { error: { message, type, param, code } } with strings where they must be. */
function isOpenAIError(body: unknown): boolean {
  const e = (body as { error?: Record<string, unknown> } | null)?.error;
  return !!e && typeof e.message === 'string' && typeof e.type === 'string' && 'param' in e && 'code' in e;
}

async function send(app: FastifyInstance, method: 'GET' | 'POST', url: string, payload?: Buffer): Promise<Outcome> {
  const res = await app.inject({ method, url, payload, headers: payload === undefined ? {} : { 'content-type': 'application/json' } });
  const status = res.statusCode;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return { kind: 'other', problem: `status ${status} with a body that is not JSON: ${res.body.slice(0, 200)}` };
  }
  if (status >= 500) return { kind: 'other', problem: `status ${status}: ${res.body.slice(0, 500)}` };
  if (status >= 400) return isOpenAIError(body) ? { kind: 'clean' } : { kind: 'other', problem: `status ${status} not in OpenAI's error shape: ${res.body.slice(0, 300)}` };
  if (status >= 200 && status < 300) return { kind: 'value' };
  return { kind: 'other', problem: `status ${status}` };
}

export async function serverFuzz(): Promise<{ cases: (seed: number, count: number) => Generator<Case>; close: () => Promise<void> }> {
  const app = await createApp({ models: [staticModel('tiny', structuredModel())], page: false });
  await app.ready();
  const encoder = new TextEncoder();
  function* cases(seed: number, count: number): Generator<Case> {
    const random = rng(seed);
    for (let i = 0; i < count; i++) {
      // One in six mutates a GET route's query string; the others a JSON body, structurally and/or byte by byte.
      if (i % 6 === 5) {
        const query = QUERIES[Math.floor(random() * QUERIES.length)];
        const url = asTarget(mutate(encoder.encode(query), random));
        yield { input: `GET ${url.slice(0, 200)}`, bytes: encoder.encode(url), ext: '.url', run: () => send(app, 'GET', url) };
        continue;
      }
      const { url, body } = BODIES[Math.floor(random() * BODIES.length)];
      const how = random();
      let payload = Buffer.from(how < 0.75 ? serialize(mutateJson(fromValue(body), random)) : JSON.stringify(body));
      if (how > 0.5) payload = Buffer.from(mutate(payload, random));
      yield { input: `POST ${url} ${payload.toString('utf8', 0, 300)}`, bytes: payload, ext: '.json', run: () => send(app, 'POST', url, payload) };
    }
  }
  return { cases, close: () => app.close() };
}
