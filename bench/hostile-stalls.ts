/**
 * Which hostile request holds the server's event loop, and by how much, independent of the machine's load: the
 * server runs in this process under a LoopStalls watch (its main thread's CPU time between two turns of the
 * loop), a child process sends one kind of request at a time, and each kind's longest stretch is reported, with
 * the functions the CPU profile saw during the longest stretches (PROFILE=1).
 *
 * `node --import tsx bench/hostile-stalls.ts` (environment: REPEAT, requests per kind, default 6; CONCURRENCY,
 * clients sending them at once, default 1, each sending REPEAT; PROFILE=1; KINDS=comma,separated names to run only
 * some). Kinds are those of bench/hostile.bench.ts.
 */
import { fork } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { Agent, request } from 'node:http';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { lcgRandom as rng } from '../src/util/random.ts';
import { randomWordModel } from './lib/random-word-model.ts';
import { LoopStalls, threadCpuNs } from './lib/loop-stalls.ts';
import { printTable } from './lib/table.ts';

const ROWS = 50_000;
const DIM = 100;

function words(r: () => number, n: number): string {
  return Array.from({ length: n }, () => `w${Math.floor(ROWS ** r()) - 1}`).join(' ');
}

/** The request bodies, built in the client process. */
function bodies(): Record<string, Buffer> {
  const r = rng(7);
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));
  return {
    small: json({ model: 'words', input: words(r, 12) }),
    oversized: json({ model: 'words', input: 'w1 '.repeat(3 * 1024 * 1024) }),
    hugeInput: json({ model: 'words', input: words(r, 1_100_000) }),
    hugeValid: json({ model: 'words', input: Array.from({ length: 2048 }, () => words(r, 100)) }),
    hugeValidBase64: json({ model: 'words', input: Array.from({ length: 2048 }, () => words(r, 100)), encoding_format: 'base64' }),
  };
}

function send(url: string, body: Buffer, agent: Agent): Promise<number> {
  return new Promise((ok) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => ok(res.statusCode ?? 0));
      res.on('error', () => ok(0));
    });
    req.on('error', () => ok(0));
    req.end(body);
  });
}

async function clientMain(): Promise<void> {
  const all = bodies();
  process.send!({ ready: true });
  process.on('message', async (m: { url: string; kind: string; n: number } | { exit: true }) => {
    if ('exit' in m) process.exit(0);
    const statuses: number[] = [];
    const clients = Number(process.env.CONCURRENCY ?? 1);
    await Promise.all(
      Array.from({ length: clients }, async () => {
        for (let i = 0; i < m.n; i++) statuses.push(await send(m.url, all[m.kind], new Agent({ keepAlive: false })));
      }),
    );
    process.send!({ statuses });
  });
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The heaviest stacks (leaf and callers, innermost first) among samples taken in the given windows (µs, profile clock). */
function stacksIn(profile: Profile, windows: [number, number][], top = 8): string[] {
  const parent = new Map<number, number>();
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const counts = new Map<string, number>();
  let t = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (!windows.some(([a, b]) => t >= a && t <= b)) continue;
    const frames: string[] = [];
    for (let id: number | undefined = profile.samples[i]; id !== undefined && frames.length < 5; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame;
      const file = f.url.split('/').slice(-2).join('/');
      frames.push(`${f.functionName || '(anon)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`);
    }
    const key = frames.join(' < ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total++;
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, n]) => `${((100 * n) / total).toFixed(0).padStart(3)}%  ${k}`);
}

async function serverMain(): Promise<void> {
  const { startServer } = await import('../src/serve/app.ts');
  const { staticModel } = await import('../src/serve/models.ts');
  const emb = await randomWordModel(ROWS, DIM);
  const server = await startServer({ models: [staticModel('words', emb)], port: 0, page: false });
  const url = `${server.url}/v1/embeddings`;
  const repeat = Number(process.env.REPEAT ?? 6);
  const profiling = process.env.PROFILE === '1';
  const kinds = (process.env.KINDS ?? 'small,oversized,hugeInput,hugeValid,hugeValidBase64').split(',');

  const client = fork(fileURLToPath(import.meta.url), [], { env: { ...process.env, HOSTILE_STALLS_ROLE: 'client' }, execArgv: ['--import', 'tsx'] });
  await new Promise((ok) => client.once('message', ok));
  const run = (kind: string, n: number) => {
    const done = new Promise<{ statuses: number[] }>((ok) => client.once('message', (m) => ok(m as { statuses: number[] })));
    client.send({ url, kind, n });
    return done;
  };
  // Warm-up: every path compiled before anything is measured.
  for (const kind of kinds) await run(kind, 2);

  const session = new Session();
  if (profiling) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 250 });
  }
  const rows: (string | number)[][] = [];
  const details: string[] = [];
  const stalls = new LoopStalls().start(2);
  // Garbage-collection pauses of the main thread (wall time: the pause includes waiting for its helper threads).
  const gcPauses: number[] = [];
  const gc = new PerformanceObserver((list) => gcPauses.push(...list.getEntries().map((e) => e.duration)));
  gc.observe({ entryTypes: ['gc'] });
  for (const kind of kinds) {
    if (profiling) await session.post('Profiler.start');
    // Not counted: starting the profiler, which holds the loop itself.
    await new Promise((ok) => setTimeout(ok, 20));
    stalls.reset();
    gcPauses.length = 0;
    // For --trace-gc-nvp logs: the collections between these lines are this kind's.
    if (process.env.MARK_GC === '1') console.log(`GC-MARK start ${kind}`);
    const cpu0 = threadCpuNs();
    const { statuses } = await run(kind, repeat);
    if (process.env.MARK_GC === '1') console.log(`GC-MARK end ${kind}`);
    const cpuPerRequest = (threadCpuNs() - cpu0) / 1e6 / statuses.length;
    const spans = [...stalls.spans].sort((a, b) => b.cpuMs - a.cpuMs);
    const over10 = spans.filter((s) => s.cpuMs > 10).length;
    const gcTotal = gcPauses.reduce((a, b) => a + b, 0);
    rows.push([kind, [...new Set(statuses)].join(' '), cpuPerRequest, spans[0]?.cpuMs ?? 0, spans[Math.floor(spans.length / 10)]?.cpuMs ?? 0, over10 / statuses.length, spans[0]?.wallMs ?? 0, gcPauses.length / statuses.length, gcTotal / statuses.length, Math.max(0, ...gcPauses)]);
    if (profiling) {
      const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
      // performance.now() and the profile's clock (µs) differ by a constant: the profile's end is "now".
      const offset = profile.startTime + profile.timeDeltas.reduce((a, b) => a + b, 0) - performance.now() * 1000;
      const windows = spans.slice(0, 10).map((s): [number, number] => [s.at * 1000 + offset - s.wallMs * 1000, s.at * 1000 + offset]);
      details.push(`\n${kind}: the ${windows.length} longest stretches (${spans.slice(0, 10).map((s) => s.cpuMs.toFixed(1)).join(', ')} ms of CPU) were spent in:`, ...stacksIn(profile, windows));
    }
  }
  stalls.stop();
  gc.disconnect();
  client.send({ exit: true });
  await server.close();
  printTable(
    `server main thread per request kind (${repeat} requests each from ${process.env.CONCURRENCY ?? 1} client(s) at once; ms of main-thread CPU)`,
    ['kind', 'status', 'CPU / request', 'longest stretch', 'p90 of stretches ≥2 ms', 'stretches >10 ms / request', 'longest stretch, wall ms', 'GC pauses / request', 'GC ms / request (wall)', 'longest GC pause (wall)'],
    rows,
  );
  for (const d of details) console.log(d);
}

if (process.env.HOSTILE_STALLS_ROLE === 'client') await clientMain();
else await serverMain();
