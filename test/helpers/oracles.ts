/**
 * Oracles: the reference tools and data some tests compare embedkit against (gensim, scipy and numpy under
 * /usr/bin/python3, the fastText CLI, chromium, ../shared/data). A test that lacks one must say so, never pass
 * silently: `needs(t, …)` skips it with the reason and appends the reason to the file named by
 * EMBEDKIT_ORACLE_REPORT (scripts/run-tests.mjs prints a summary from it after the run); with
 * EMBEDKIT_REQUIRE_ORACLES=1 (set by .ci/run) the test fails with the reason instead.
 *
 * Every test file runs in its own process, so each process probes once and appends whole lines to the report.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { loadNativeKernels } from '../../src/kernels/native.ts';

export const PYTHON = '/usr/bin/python3';
export const CHROMIUM = '/usr/bin/chromium';

/** Programs (and Python modules) the tests use as references. */
export type Oracle = 'python3' | 'numpy' | 'scipy' | 'gensim' | 'sklearn' | 'fasttext' | 'chromium' | 'native';

/** A file of ../shared/data named by its path there, e.g. `shared:corpus/en-mix.txt.gz`. */
export type SharedData = `shared:${string}`;

export type Need = Oracle | SharedData;

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SHARED = join(REPO, '../shared/data');

/**
 * Where this repository ships a copy of a ../shared/data file, so the tests need no ../shared: the evaluation
 * sets and the sample corpus under data/ (they are part of the package), the small reference-tool fixtures under
 * test/fixtures/reference (verbatim, or gzipped when the file is over ~200 KB).
 */
function shippedCopy(path: string): string | undefined {
  if (path.startsWith('eval/')) return join(REPO, 'data', path);
  if (path === 'corpus/sample-pd.txt.gz') return join(REPO, 'data/sample-pd.txt.gz');
  if (path.startsWith('fixtures/')) return join(REPO, 'test/fixtures/reference', path.slice('fixtures/'.length));
  return undefined;
}

/** Oracles hidden on purpose (EMBEDKIT_HIDE_ORACLES=fasttext,gensim,shared), to see what a machine without them runs. */
function hidden(name: string): boolean {
  return (process.env.EMBEDKIT_HIDE_ORACLES ?? '').split(',').map((s) => s.trim()).includes(name);
}

function pythonImports(module: string): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing (Debian package python3)`;
  const r = spawnSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore' });
  return r.status === 0 ? undefined : `${PYTHON} cannot import ${module} (Debian package python3-${module})`;
}

const PROBES: Record<Oracle, () => string | undefined> = {
  python3: () => (existsSync(PYTHON) ? undefined : `${PYTHON} is missing (Debian package python3)`),
  numpy: () => pythonImports('numpy'),
  scipy: () => pythonImports('scipy'),
  gensim: () => pythonImports('gensim'),
  sklearn: () => pythonImports('sklearn'),
  fasttext: () => (spawnSync('fasttext', [], { stdio: 'ignore' }).error ? 'the fasttext CLI is not on PATH (Debian package fasttext)' : undefined),
  chromium: () => (existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (Debian packages chromium, fonts-wqy-microhei)`),
  // Not a reference tool but a part under test that a machine without a C compiler does not build.
  native: () => {
    const native = loadNativeKernels();
    return native.kernels ? undefined : native.why;
  },
};

const probed = new Map<Oracle, string | undefined>();

/** Why `oracle` cannot run on this machine, or undefined when it can (probed once per process). */
export function whyMissing(oracle: Oracle): string | undefined {
  if (hidden(oracle)) return `${oracle} is hidden by EMBEDKIT_HIDE_ORACLES`;
  if (!probed.has(oracle)) probed.set(oracle, PROBES[oracle]());
  return probed.get(oracle);
}

let expanded: string | undefined;

/** A gzipped fixture expanded once per process into a temporary folder removed at exit. */
function expand(gz: string): string {
  if (!expanded) {
    const dir = mkdtempSync(join(tmpdir(), 'embedkit-fixtures-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    expanded = dir;
  }
  const out = join(expanded, basename(gz, '.gz'));
  if (!existsSync(out)) writeFileSync(out, gunzipSync(readFileSync(gz)));
  return out;
}

/**
 * A ../shared/data file by its path there ('fixtures/w2v-c-lee.txt'): the copy this repository ships when there
 * is one, else the shared file, else undefined. Records nothing; tests that can run without it check `needs`.
 */
export function dataFile(path: string): string | undefined {
  const copy = shippedCopy(path);
  if (copy && existsSync(copy)) return copy;
  if (copy && existsSync(`${copy}.gz`)) return expand(`${copy}.gz`);
  const shared = join(SHARED, path);
  return !hidden('shared') && existsSync(shared) ? shared : undefined;
}

function whyNot(need: Need): string | undefined {
  if (!need.startsWith('shared:')) return whyMissing(need as Oracle);
  const path = need.slice('shared:'.length);
  return dataFile(path) ? undefined : `../shared/data/${path} is absent${hidden('shared') ? ' (hidden by EMBEDKIT_HIDE_ORACLES)' : ''} and the repository ships no copy`;
}

/** Read on every call, so a test of this helper can set it. */
const required = () => process.env.EMBEDKIT_REQUIRE_ORACLES === '1';

/** One line of the report: which test lacked what, and whether that failed it. */
export interface OracleReportLine {
  file: string;
  test: string;
  reason: string;
  kind: 'oracle' | 'opt-in';
  failed: boolean;
}

function report(t: TestContext, reason: string, kind: OracleReportLine['kind'], failed: boolean): void {
  const path = process.env.EMBEDKIT_ORACLE_REPORT;
  if (!path) return;
  const line: OracleReportLine = { file: relative(REPO, process.argv[1] ?? '?'), test: t.name, reason, kind, failed };
  // One short appended line per call: files opened with O_APPEND take whole writes, so processes do not interleave.
  appendFileSync(path, JSON.stringify(line) + '\n');
}

/**
 * In a test body: true when every need is met. Otherwise the test is skipped with the reasons, or, with
 * EMBEDKIT_REQUIRE_ORACLES=1, fails with them (this throws); either way the reasons go to the run's summary.
 *
 * @example
 *   test('reads as gensim does', async (t) => {
 *     if (!needs(t, 'gensim', 'shared:corpus/en-mix.txt.gz')) return;
 *     …
 *   });
 */
export function needs(t: TestContext, ...wanted: Need[]): boolean {
  const reasons = wanted.map(whyNot).filter((r): r is string => r !== undefined);
  if (reasons.length === 0) return true;
  const reason = reasons.join('; ');
  const fail = required();
  report(t, reason, 'oracle', fail);
  if (fail) throw new Error(`oracle missing: ${reason} (EMBEDKIT_REQUIRE_ORACLES=1 makes this a failure)`);
  t.skip(reason);
  return false;
}

/**
 * In a test body: true when the environment variable `name` is '1'. A test that is too slow for every run
 * opts in this way; when it is not asked for it is skipped and listed in the summary, never failed.
 */
export function optedIn(t: TestContext, name: string, what: string): boolean {
  if (process.env[name] === '1') return true;
  const reason = `${what}: set ${name}=1 to run`;
  report(t, reason, 'opt-in', false);
  t.skip(reason);
  return false;
}
