/**
 * Load test of `embedkit serve`: a server child process (the embeddings app, plus a bare fastify app with one
 * "hello" route, same fastify, same process) driven by autocannon from this process. Scenarios: bare hello,
 * one input per request, 16 inputs per request (base64, as the OpenAI SDKs ask). Reports req/s, p99 latency,
 * errors, the server's RSS before and after each scenario, and the rate relative to the bare route.
 *
 * `npm run bench -- serve`. Environment: BENCH_SECONDS (per scenario, default 60),
 * BENCH_CONNECTIONS (default 10), BENCH_MODEL (a vectors file; default a seeded random 50,000 × 100 model).
 */
import { lcgRandom as rng } from '../src/util/random.ts';
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { printTable } from './lib/table.ts';

const ROLE = process.env.EMBEDKIT_BENCH_ROLE;
const ROWS = 50_000;
const DIM = 100;

/** Word i is "w<i>" in the random model; texts draw words with a Zipf-like skew, as real text does. */
function text(r: () => number, words: readonly string[], length: number): string {
  return Array.from({ length }, () => words[Math.min(words.length - 1, Math.floor(words.length ** r()) - 1)]).join(' ');
}

async function serverMain(): Promise<void> {
  const Fastify = (await import('fastify')).default;
  const { startServer } = await import('../src/serve/app.ts');
  const { staticModel } = await import('../src/serve/models.ts');
  const { Embeddings } = await import('../src/vectors/embeddings.ts');
  const { Vocabulary } = await import('../src/vocab/vocabulary.ts');
  const { loadEmbeddings } = await import('../src/formats/index.ts');
  let emb;
  if (process.env.BENCH_MODEL) {
    emb = await loadEmbeddings(process.env.BENCH_MODEL);
  } else {
    const r = rng(42);
    const vectors = new Float32Array(ROWS * DIM);
    for (let i = 0; i < vectors.length; i++) vectors[i] = r() - 0.5;
    emb = new Embeddings(new Vocabulary(Array.from({ length: ROWS }, (_, i) => `w${i}`)), vectors, DIM);
  }
  await emb.prepare();
  const server = await startServer({ models: [staticModel('bench', emb)], port: 0, page: false });
  const bare = Fastify({ logger: false });
  bare.get('/hello', async () => ({ hello: 'world' }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const address = bare.server.address();
  const barePort = typeof address === 'object' && address ? address.port : 0;
  process.send!({ url: server.url, bare: `http://127.0.0.1:${barePort}`, words: emb.vocab.words.slice(0, 20_000) });
  process.on('message', (m: { rss?: boolean; exit?: boolean }) => {
    if (m.rss) {
      const cpu = process.cpuUsage();
      process.send!({ rss: process.memoryUsage().rss, cpuMicros: cpu.user + cpu.system });
    }
    if (m.exit) void Promise.all([server.close(), bare.close()]).then(() => process.exit(0));
  });
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p99: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

async function driverMain(): Promise<void> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const seconds = Number(process.env.BENCH_SECONDS ?? 60);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, EMBEDKIT_BENCH_ROLE: 'server' }, execArgv: ['--import', 'tsx'] });
  const messages: ((m: Record<string, unknown>) => void)[] = [];
  child.on('message', (m: Record<string, unknown>) => messages.shift()?.(m));
  const next = () => new Promise<Record<string, unknown>>((ok) => messages.push(ok));
  const ready = (await next()) as { url: string; bare: string; words: string[] };
  /** The server's resident memory (MiB) and CPU time used so far (µs). */
  const probe = async () => {
    const reply = next();
    child.send({ rss: true });
    const m = await reply;
    return { rss: (m.rss as number) / 2 ** 20, cpu: m.cpuMicros as number };
  };

  const r = rng(7);
  const body = (inputs: number) =>
    JSON.stringify({ model: 'bench', input: inputs === 1 ? text(r, ready.words, 12) : Array.from({ length: inputs }, () => text(r, ready.words, 12)), encoding_format: 'base64' });
  const post = (inputs: number) => Array.from({ length: 16 }, () => ({ method: 'POST', path: '/v1/embeddings', headers: { 'content-type': 'application/json' }, body: body(inputs) }));
  const scenarios = [
    { name: 'bare fastify GET /hello', url: `${ready.bare}/hello`, requests: [{ method: 'GET', path: '/hello' }], inputs: 0 },
    { name: 'POST /v1/embeddings, 1 input', url: ready.url, requests: post(1), inputs: 1 },
    { name: 'POST /v1/embeddings, 16 inputs', url: ready.url, requests: post(16), inputs: 16 },
  ];
  console.log(`server pid ${child.pid}; ${seconds} s per scenario, ${connections} connections, model ${process.env.BENCH_MODEL ?? `random ${ROWS} × ${DIM}`}`);
  const rows: (string | number)[][] = [];
  let bareRate = 0;
  try {
    for (const s of scenarios) {
      // A short warm-up so the JIT has compiled the hot paths before the measured run.
      await autocannon({ url: s.url, requests: s.requests, connections, duration: 2 });
      const before = await probe();
      const res = await autocannon({ url: s.url, requests: s.requests, connections, duration: seconds });
      const after = await probe();
      const rate = res.requests.average;
      if (s.inputs === 0) bareRate = rate;
      const errors = res.errors + res.timeouts + res.non2xx;
      // Server CPU per request: what the server spends, apart from the load generator sharing the machine.
      const cpuPerRequest = (after.cpu - before.cpu) / Math.max(1, res.requests.total);
      rows.push([s.name, Math.round(rate), s.inputs ? Math.round(rate * s.inputs) : '-', res.latency.p99, errors, Math.round(cpuPerRequest), before.rss.toFixed(1), after.rss.toFixed(1), s.inputs ? `${((100 * rate) / bareRate).toFixed(0)}%` : '100%']);
    }
  } finally {
    child.send({ exit: true });
  }
  printTable('embedkit serve under load (autocannon from a second process)', ['scenario', 'req/s', 'inputs/s', 'p99 ms', 'errors', 'server CPU µs/req', 'RSS before MiB', 'RSS after MiB', 'vs bare'], rows);
}

if (ROLE === 'server') await serverMain();
else await driverMain();
