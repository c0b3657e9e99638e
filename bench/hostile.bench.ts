/**
 * Hostile load on `embedkit serve`: how long /health and a small embeddings request take while other clients send
 * what the issue on hardening describes: bodies over the size limit, bodies under it holding one enormous input
 * (refused, but only after reading and, without character limits, after encoding it), and huge but valid
 * requests, to a word-vector model and to a transformer model (the tiny BERT test fixture). The server runs in a
 * child process; the measuring clients send one request at a time each, over keep-alive connections, as a
 * monitoring probe and an ordinary client would.
 *
 * `npm run bench -- hostile`. Environment: BENCH_SECONDS (per scenario, default 10). Goal: small requests' p99
 * stays under 50 ms in every scenario. The server's event-loop delay (perf_hooks) shows how long the server itself
 * held its loop, apart from what a busy machine adds; the longest stretch of its main thread's CPU time between two
 * turns of the loop (bench/lib/loop-stalls.ts, Linux) shows it apart from the machine's load altogether.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { lcgRandom as rng } from '../src/util/random.ts';
import { randomWordModel } from './lib/random-word-model.ts';
import { LoopStalls } from './lib/loop-stalls.ts';
import { printTable } from './lib/table.ts';

const ROLE = process.env.EMBEDKIT_BENCH_ROLE;
const ROWS = 50_000;
const DIM = 100;
const TINY_BERT = 'test/fixtures/tiny-bert';

async function serverMain(): Promise<void> {
  const { startServer } = await import('../src/serve/app.ts');
  const { staticModel, loadServedModels } = await import('../src/serve/models.ts');
  const emb = await randomWordModel(ROWS, DIM);
  const [bert] = await loadServedModels([`bert=${TINY_BERT}`], {}, {}, { threads: 1 });
  const server = await startServer({ models: [staticModel('words', emb), bert], port: 0, page: false });
  // How long the server's own event loop was held, apart from the machine's load and the driver's.
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  // The same in the main thread's CPU time (Linux), which a busy machine does not lengthen: the longest stretch.
  const stalls = LoopStalls.supported ? new LoopStalls().start(10) : undefined;
  process.send!({ url: server.url });
  process.on('message', (m: { exit?: boolean; resetDelay?: boolean; delay?: boolean }) => {
    if (m.resetDelay) {
      delay.reset();
      stalls?.reset();
    }
    if (m.delay) process.send!({ p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, cpuMax: stalls ? stalls.maxCpuMs : NaN, over10: stalls ? stalls.spans.length : NaN });
    if (m.exit) void server.close().then(() => process.exit(0));
  });
}

interface Answer {
  status: number;
  ms: number;
}

/** One request; resolves with its status (0: the connection failed or was cut) and how long it took. */
function send(url: string, method: string, body: Buffer | undefined, agent: Agent): Promise<Answer> {
  const started = performance.now();
  return new Promise((ok) => {
    const req = request(url, { method, agent, headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {} });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      res.on('error', () => ok({ status: 0, ms: performance.now() - started }));
    });
    req.on('error', () => ok({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

/** Sends `make()` back to back until `until`, collecting every answer. */
async function loop(until: number, make: () => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  while (performance.now() < until) answers.push(await make());
  return answers;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function words(r: () => number, n: number): string {
  return Array.from({ length: n }, () => `w${Math.floor(ROWS ** r()) - 1}`).join(' ');
}

async function driverMain(): Promise<void> {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, EMBEDKIT_BENCH_ROLE: 'server' }, execArgv: ['--import', 'tsx'] });
  const { url } = await new Promise<{ url: string }>((ok) => child.once('message', (m) => ok(m as { url: string })));
  const loopDelay = () => {
    const reply = new Promise<{ p99: number; max: number; cpuMax: number; over10: number }>((ok) => child.once('message', (m) => ok(m as { p99: number; max: number; cpuMax: number; over10: number })));
    child.send({ delay: true });
    return reply;
  };
  const api = `${url}/v1/embeddings`;
  const r = rng(7);
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  const small = json({ model: 'words', input: words(r, 12) });
  // 9 MiB: over the 8 MiB body limit.
  const oversized = json({ model: 'words', input: 'w1 '.repeat(3 * 1024 * 1024) });
  // Under the body limit, one input of 7.5 MB: refused (too long), after reading.
  const hugeInput = json({ model: 'words', input: words(r, 1_100_000) });
  // Valid: 2048 inputs of 100 words (~204,800 tokens, ~1.2 M characters).
  const hugeValid = json({ model: 'words', input: Array.from({ length: 2048 }, () => words(r, 100)) });
  // Valid for the transformer: 256 inputs of ~60 tokens, one window each.
  const bertValid = json({ model: 'bert', input: Array.from({ length: 256 }, () => 'the king and the queen walk in the garden of the castle '.repeat(5)) });
  // One enormous input for the transformer (refused for its length; before limits, only after tokenizing it).
  const bertHuge = json({ model: 'bert', input: 'the king and the queen walk in the garden '.repeat(150_000) });

  const hostile = (body: Buffer) => () => send(api, 'POST', body, new Agent({ keepAlive: false }));
  const scenarios: { name: string; clients: (() => Promise<Answer>)[] }[] = [
    { name: 'quiet (no hostile client)', clients: [] },
    { name: 'words: 2 × 9 MiB bodies + 2 × 7.5 MB input', clients: [hostile(oversized), hostile(oversized), hostile(hugeInput), hostile(hugeInput)] },
    { name: 'words: 2 × 2048-input valid requests', clients: [hostile(hugeValid), hostile(hugeValid)] },
    { name: 'bert: 256-input valid + 6 MB input', clients: [hostile(bertValid), hostile(bertHuge)] },
  ];
  console.log(`server pid ${child.pid}; ${seconds} s per scenario; model words: random ${ROWS} × ${DIM}, model bert: ${TINY_BERT}`);
  const rows: (string | number)[][] = [];
  try {
    // Warm-up: every path compiled before anything is measured.
    const warm = new Agent({ keepAlive: true });
    for (let i = 0; i < 50; i++) await send(api, 'POST', small, warm);
    await send(api, 'POST', bertValid, warm);
    for (const s of scenarios) {
      child.send({ resetDelay: true });
      const until = performance.now() + seconds * 1000;
      const healthAgent = new Agent({ keepAlive: true });
      const smallAgent = new Agent({ keepAlive: true });
      const [health, smalls, ...attacks] = await Promise.all([
        loop(until, () => send(`${url}/health`, 'GET', undefined, healthAgent)),
        loop(until, () => send(api, 'POST', small, smallAgent)),
        ...s.clients.map((c) => loop(until, c)),
      ]);
      const held = await loopDelay();
      healthAgent.destroy();
      smallAgent.destroy();
      const h = health.map((a) => a.ms).sort((a, b) => a - b);
      const q = smalls.map((a) => a.ms).sort((a, b) => a - b);
      const statuses = new Map<number, number>();
      for (const a of attacks.flat()) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      const hostileText = [...statuses].sort((a, b) => a[0] - b[0]).map(([st, n]) => `${n}×${st || 'cut'}`).join(' ') || '-';
      const failed = smalls.filter((a) => a.status !== 200).length;
      rows.push([s.name, h.length, percentile(h, 50), percentile(h, 99), h[h.length - 1], q.length, percentile(q, 50), percentile(q, 99), q[q.length - 1], failed, held.p99, held.max, held.cpuMax, held.over10, hostileText]);
    }
  } finally {
    child.send({ exit: true });
  }
  printTable(
    'latency of /health and small requests under hostile load (ms; one sequential client each)',
    ['scenario', '/health n', 'p50', 'p99', 'max', 'small n', 'p50', 'p99', 'max', 'small not 200', 'server loop delay p99', 'max', 'longest loop stretch (main-thread CPU ms)', 'stretches ≥ 10 ms CPU', 'hostile answers (count×status)'],
    rows,
  );
}

if (ROLE === 'server') await serverMain();
else await driverMain();
