// End-to-end: the --json contracts the README promises ("Every command takes --json"): one shape per command
// whatever its arguments (similar: an array, one entry per query word), embed/serve/start included, and
// `query --cosmul` refusing weights it would otherwise drop. Answers are checked against brute-force arithmetic.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cosmulTo, describeRun, DIM, makeTempDir, nearestTo, parseJson, REPO, runCli, word2vecText, WORDS, writeFile, type Scored } from './e2e-helpers.ts';

const tmp = makeTempDir();
let vectors = '';
before(() => {
  vectors = writeFile(tmp.dir, 'vectors.txt', word2vecText());
});
after(() => tmp.remove());

function sameNeighbours(actual: Scored[], expected: Scored[]): void {
  assert.deepEqual(
    actual.map((n) => n.word),
    expected.map((n) => n.word),
  );
  actual.forEach((n, i) => assert.ok(Math.abs(n.score - expected[i].score) < 1e-5, `${n.word}: ${n.score} vs ${expected[i].score}`));
}

/** Starts a server command; resolves with its first stdout line, parsed, and a stop function. */
async function listening(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ info: { url: string; models: { name: string; dim: number; words: number | null }[] }; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'embedkit.js'), ...args], { cwd: tmp.dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((ok, fail) => {
    lines.once('line', ok);
    child.once('exit', (code) => fail(new Error(`embedkit ${args[0]} exited with ${code}: ${stderr}`)));
  }).catch(async (err: Error) => {
    await stop();
    throw err;
  });
  try {
    return { info: JSON.parse(first), stop };
  } catch {
    await stop();
    throw new Error(`the first stdout line is not JSON: ${first}\nstderr: ${stderr}`);
  }
}

describe('similar --json: always an array, one entry per query word', { concurrency: 2 }, () => {
  it('one word gives an array of one', async () => {
    const r = await runCli(['similar', vectors, 'king', '-n', '3', '--json']);
    assert.equal(r.code, 0, describeRun(r));
    const out = parseJson<{ word: string; neighbours: Scored[] }[]>(r);
    assert.ok(Array.isArray(out), r.stdout);
    assert.deepEqual(
      out.map((e) => e.word),
      ['king'],
    );
    sameNeighbours(out[0].neighbours, nearestTo([['king', 1]]).slice(0, 3));
  });

  it('two words give an array of two, in the order asked', async () => {
    const r = await runCli(['similar', vectors, 'apple', 'king', '-n', '2', '--json']);
    assert.equal(r.code, 0, describeRun(r));
    assert.deepEqual(
      parseJson<{ word: string }[]>(r).map((e) => e.word),
      ['apple', 'king'],
    );
  });
});

describe('query --cosmul and weights', { concurrency: 2 }, () => {
  it('a weighted term with --cosmul is refused, naming the term (3CosMul has no weights)', async () => {
    const r = await runCli(['query', vectors, 'king - 0.5*man + woman', '--cosmul', '--json']);
    assert.equal(r.code, 1, describeRun(r));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--cosmul/);
    assert.match(r.stderr, /0\.5\*man/);
  });

  it('unweighted terms with --cosmul still work', async () => {
    const r = await runCli(['query', vectors, 'king - man + woman', '--cosmul', '-n', '3', '--json']);
    assert.equal(r.code, 0, describeRun(r));
    sameNeighbours(parseJson<{ neighbours: Scored[] }>(r).neighbours, cosmulTo(['king', 'woman'], ['man']).slice(0, 3));
  });
});

describe('embed --json', () => {
  it('prints a summary of what was written', async () => {
    const input = writeFile(tmp.dir, 'texts.txt', 'king queen\n\napple orange man\n');
    const output = join(tmp.dir, 'texts.jsonl');
    const r = await runCli(['embed', vectors, '--input', input, '--output', output, '--json', '--quiet']);
    assert.equal(r.code, 0, describeRun(r));
    const summary = parseJson<Record<string, unknown>>(r);
    const rows = readFileSync(output, 'utf8').trim().split('\n');
    assert.equal(rows.length, 2);
    assert.deepEqual(
      { model: summary.model, input: summary.input, output: summary.output, format: summary.format, texts: summary.texts, blank: summary.blank, dim: summary.dim, tokens: summary.tokens },
      { model: vectors, input, output, format: 'jsonl', texts: 2, blank: 1, dim: DIM, tokens: 5 },
    );
    assert.ok(typeof summary.seconds === 'number' && summary.seconds >= 0);
  });
});

describe('serve and start --json: one JSON line with the URL and the models once listening', { concurrency: 1 }, () => {
  it('serve', { timeout: 60_000 }, async () => {
    const { info, stop } = await listening(['serve', `tiny=${vectors}`, '--port', '0', '--json']);
    try {
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(info.models, [{ name: 'tiny', dim: DIM, words: WORDS.length }]);
      const health = await (await fetch(`${info.url}/health`)).json();
      assert.deepEqual(health.models, ['tiny']);
      // The explorer's analogy follows the CLI's convention: a is to b as c is to ? = b − a + c.
      const api = await (await fetch(`${info.url}/api/analogy?a=man&b=king&c=woman&topn=3`)).json();
      const cli = await runCli(['analogy', vectors, 'man', 'king', 'woman', '-n', '3', '--json']);
      assert.equal(cli.code, 0, describeRun(cli));
      const expected = nearestTo([
        ['king', 1],
        ['woman', 1],
        ['man', -1],
      ]).slice(0, 3);
      sameNeighbours(api.results, expected);
      sameNeighbours(parseJson<{ answers: Scored[] }>(cli).answers, expected);
    } finally {
      await stop();
    }
  });

  it('start', { timeout: 60_000 }, async () => {
    const { info, stop } = await listening(['start', '--port', '0', '--json'], { EMBEDKIT_MODEL: `tiny=${vectors}` });
    try {
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.deepEqual(info.models, [{ name: 'tiny', dim: DIM, words: WORDS.length }]);
      assert.equal((await fetch(`${info.url}/health`)).status, 200);
    } finally {
      await stop();
    }
  });
});
