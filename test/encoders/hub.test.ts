import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbedkitError, InvalidArgumentError } from '../../src/errors.ts';
import { fetchHubModel, type HubOptions, type HubProgressEvent } from '../../src/encoders/hub.ts';
import { parseHubSpec } from '../../src/encoders/hub-spec.ts';
import { encoderSpecKind, openEncoder, type OpenedEncoder } from '../../src/encoders/open-encoder.ts';
import { openCollection } from '../../src/search/collection.ts';
import { loadServedModels, parseModelSpec } from '../../src/serve/models.ts';
import { startLocalHub, type HubRepo, type LocalHub } from '../helpers/local-hub.ts';

const TINY_BERT = 'test/fixtures/tiny-bert';
const TEXTS = ['The bank of the river.', 'She went to the bank to deposit money!', 'Hello'];
const COMMIT_A = 'a'.repeat(40);
const COMMIT_B = 'b'.repeat(40);
const COMMIT_C = 'c'.repeat(40);

/** Every file under `dir`, as relative paths (temporary files included: they must not be there). */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

async function encodeAll(encoder: OpenedEncoder): Promise<Float32Array[]> {
  try {
    return (await encoder.encode(TEXTS)).vectors;
  } finally {
    await encoder.dispose?.();
  }
}

describe('models by hub id (hf:ORG/NAME[@revision]) from a local hub', () => {
  let work: string;
  let hub: LocalHub;
  let repos: Record<string, HubRepo>;
  let local: Float32Array[];
  let localCls: Float32Array[];
  let cases = 0;
  /** A fresh, empty cache per test, so each one sees its own downloads. */
  const options = (extra: HubOptions = {}): HubOptions => ({ hubUrl: hub.url, cacheDir: join(work, `cache-${++cases}`), retryDelayMs: 5, ...extra });
  const fileRequests = () => hub.requests.filter((r) => r.file !== '');

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'embedkit-hub-'));
    // Revision B: the same weights with CLS pooling, so its vectors differ from main's.
    const clsCopy = join(work, 'tiny-bert-cls');
    cpSync(TINY_BERT, clsCopy, { recursive: true });
    const pooling = JSON.parse(readFileSync(join(clsCopy, '1_Pooling/config.json'), 'utf8'));
    writeFileSync(join(clsCopy, '1_Pooling/config.json'), JSON.stringify({ ...pooling, pooling_mode_mean_tokens: false, pooling_mode_cls_token: true }));
    // A repository whose export lacks its ONNX graph.
    const noOnnx = join(work, 'no-onnx');
    cpSync(TINY_BERT, noOnnx, { recursive: true });
    rmSync(join(noOnnx, 'onnx'), { recursive: true });
    // A dual (CLIP-style) export: only which files are fetched matters here, so the graphs are placeholder bytes.
    const clip = join(work, 'clip');
    for (const [file, body] of Object.entries({
      'config.json': JSON.stringify({ model_type: 'clip', text_config: { hidden_size: 8 }, vision_config: { hidden_size: 8 } }),
      'tokenizer.json': '{}',
      'tokenizer_config.json': '{}',
      'preprocessor_config.json': JSON.stringify({ crop_size: 64 }),
      'onnx/text_model.onnx': 'fp32 text',
      'onnx/vision_model.onnx': 'fp32 vision',
      'onnx/text_model_quantized.onnx': 'q8 text',
      'onnx/vision_model_quantized.onnx': 'q8 vision',
    })) {
      mkdirSync(dirname(join(clip, file)), { recursive: true });
      writeFileSync(join(clip, file), body);
    }
    repos = {
      'test/tiny-clip': { refs: { main: COMMIT_C }, commits: { [COMMIT_C]: clip } },
      'test/tiny-bert': { refs: { main: COMMIT_A, v2: COMMIT_B }, commits: { [COMMIT_A]: TINY_BERT, [COMMIT_B]: clsCopy } },
      'test/no-onnx': { refs: { main: COMMIT_C }, commits: { [COMMIT_C]: noOnnx } },
    };
    hub = await startLocalHub(repos);
    local = await encodeAll(await openEncoder(TINY_BERT));
    localCls = await encodeAll(await openEncoder(TINY_BERT, { pooling: 'cls' }));
  });
  after(async () => {
    await hub?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test('hf: specs are transformer models; malformed ones say the expected form', () => {
    assert.equal(encoderSpecKind('hf:test/tiny-bert'), 'transformer');
    assert.deepEqual(parseHubSpec('hf:test/tiny-bert'), { org: 'test', name: 'tiny-bert', revision: 'main' });
    assert.deepEqual(parseHubSpec('hf:test/tiny-bert@refs/pr/1'), { org: 'test', name: 'tiny-bert', revision: 'refs/pr/1' });
    for (const bad of ['hf:tiny-bert', 'hf:a/b/c', 'hf:../x', 'hf:a/b@', 'hf:a/b@../../etc']) {
      assert.throws(() => parseHubSpec(bad), InvalidArgumentError, bad);
    }
  });

  test('bad options are refused by name, before any request', async () => {
    hub.requests.length = 0;
    const refused = (pattern: RegExp) => (err: unknown) => err instanceof InvalidArgumentError && pattern.test(err.message) && !/--/.test(err.message);
    await assert.rejects(fetchHubModel('hf:test/tiny-bert', options({ hubUrl: 'ftp://example.org' })), refused(/the hubUrl option must be an http\(s\) URL/));
    await assert.rejects(fetchHubModel('hf:test/tiny-bert', options({ dtype: 'fp64' as never })), refused(/dtype must be one of fp32, fp16, q8/));
    await assert.rejects(fetchHubModel('hf:test/tiny-bert', options({ attempts: 0 })), refused(/attempts must be a positive integer/));
    assert.deepEqual(hub.requests, []);
  });

  test('the first open downloads the model’s files into the cache and encodes as the local directory does', async () => {
    const events: HubProgressEvent[] = [];
    hub.requests.length = 0;
    const o = options({ onProgress: (e) => events.push(e) });
    const encoder = await openEncoder('hf:test/tiny-bert', { hub: o });
    assert.equal(encoder.id, 'transformer:test/tiny-bert');
    assert.deepEqual(await encodeAll(encoder), local);
    // The branch resolved to its commit, and the snapshot holds byte-identical copies of exactly the needed files.
    const snapshot = join(o.cacheDir!, 'test/tiny-bert/snapshots', COMMIT_A);
    assert.equal(readFileSync(join(o.cacheDir!, 'test/tiny-bert/refs/main'), 'utf8').trim(), COMMIT_A);
    const wanted = ['1_Pooling/config.json', 'config.json', 'modules.json', 'onnx/model.onnx', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json'];
    assert.deepEqual(listFiles(snapshot), ['.embedkit-absent.json', ...wanted]);
    assert.deepEqual(JSON.parse(readFileSync(join(snapshot, '.embedkit-absent.json'), 'utf8')), ['preprocessor_config.json']);
    for (const f of wanted) assert.ok(readFileSync(join(snapshot, f)).equals(readFileSync(join(TINY_BERT, f))), f);
    // One probe of the branch, then every file once, from the resolved commit.
    const [probe, ...gets] = fileRequests();
    assert.deepEqual([probe.revision, probe.file, probe.range], ['main', 'config.json', 'bytes=0-0']);
    assert.deepEqual(gets.filter((r) => r.status === 200).map((r) => r.file).sort(), wanted);
    assert.ok(gets.every((r) => r.revision === COMMIT_A && r.range === undefined));
    // preprocessor_config.json was asked for and is recorded as absent, so a cached open needs no request.
    assert.ok(hub.requests.some((r) => r.file === 'preprocessor_config.json' && r.status === 404));
    const done = events.filter((e) => e.status === 'done');
    assert.deepEqual(done.map((e) => e.file).sort(), wanted);
    const onnx = done.find((e) => e.file === 'onnx/model.onnx')!;
    assert.equal(onnx.loaded, readFileSync(join(TINY_BERT, 'onnx/model.onnx')).length);
    assert.equal(onnx.model, 'test/tiny-bert');
  });

  test('a second open is a cache hit: the hub sees no request, and offline works too', async () => {
    const o = options();
    await fetchHubModel('hf:test/tiny-bert', o);
    hub.requests.length = 0;
    const again = await fetchHubModel('hf:test/tiny-bert', o);
    assert.deepEqual(again.downloaded, []);
    assert.deepEqual(await encodeAll(await openEncoder('hf:test/tiny-bert', { hub: { ...o, offline: true } })), local);
    assert.deepEqual(hub.requests, []);
  });

  test('revisions are pinned: a tag, a commit id and main keep their own files, and a cached branch does not move', async () => {
    const o = options();
    const v2 = await fetchHubModel('hf:test/tiny-bert@v2', o);
    assert.equal(v2.snapshot, COMMIT_B);
    assert.deepEqual(await encodeAll(await openEncoder('hf:test/tiny-bert@v2', { hub: o })), localCls);
    assert.notDeepEqual(localCls, local);
    // The commit id names the snapshot v2 resolved to: no request at all.
    hub.requests.length = 0;
    const byCommit = await openEncoder(`hf:test/tiny-bert@${COMMIT_B}`, { hub: o });
    assert.equal(byCommit.id, `transformer:test/tiny-bert@${COMMIT_B}`);
    assert.deepEqual(await encodeAll(byCommit), localCls);
    assert.deepEqual(hub.requests, []);
    assert.deepEqual(await encodeAll(await openEncoder('hf:test/tiny-bert', { hub: o })), local);
    assert.ok(fileRequests().every((r) => r.revision === 'main' || r.revision === COMMIT_A));
    // main moves on the hub: the cache keeps the commit it downloaded, without asking.
    hub.requests.length = 0;
    const refs = repos['test/tiny-bert'].refs;
    try {
      refs.main = COMMIT_B;
      assert.equal((await fetchHubModel('hf:test/tiny-bert', o)).snapshot, COMMIT_A);
      assert.deepEqual(hub.requests, []);
      // A fresh cache follows the branch.
      assert.equal((await fetchHubModel('hf:test/tiny-bert', options())).snapshot, COMMIT_B);
    } finally {
      refs.main = COMMIT_A;
    }
  });

  test('a required file the hub lacks: an error naming the file and its URL, and no reference to a partial model', async () => {
    const o = options();
    await assert.rejects(fetchHubModel('hf:test/no-onnx', o), (err: unknown) => {
      assert.ok(err instanceof EmbedkitError);
      assert.equal(err.code, 'hub_file_not_found');
      assert.match(err.message, /has no onnx\/model\.onnx/);
      assert.ok(err.message.includes(`${hub.url}/test/no-onnx/resolve/${COMMIT_C}/onnx/model.onnx`), err.message);
      assert.doesNotMatch(err.message, /--/);
      return true;
    });
    const repo = join(o.cacheDir!, 'test/no-onnx');
    assert.ok(!existsSync(join(repo, 'refs/main')));
    assert.ok(listFiles(repo).every((f) => !f.includes('onnx/') && !f.includes('.tmp-')), listFiles(repo).join(' '));
    await assert.rejects(fetchHubModel('hf:test/nothing-here', o), (err: EmbedkitError) => {
      assert.equal(err.code, 'model_not_found');
      assert.ok(err.message.includes(`(HTTP 401 RepoNotFound from ${hub.url}/test/nothing-here/resolve/main/config.json); a private model needs an access token`), err.message);
      return true;
    });
    await assert.rejects(fetchHubModel('hf:test/tiny-bert@v9', o), (err: EmbedkitError) => {
      assert.equal(err.code, 'model_not_found');
      assert.match(err.message, /no model test\/tiny-bert at revision v9 \(HTTP 404 RevisionNotFound/);
      return true;
    });
    await assert.rejects(fetchHubModel('hf:test/tiny-bert', { ...o, dtype: 'q8' }), /has no onnx\/model_quantized\.onnx .*the q8 weights/);
  });

  test('a download cut short is resumed where it stopped (Range), and the cached file is whole', async () => {
    const onnx = readFileSync(join(TINY_BERT, 'onnx/model.onnx'));
    let cuts = 2;
    hub.fault = (r) => (r.file === 'onnx/model.onnx' && cuts-- > 0 ? { truncateAfter: 50_000 } : undefined);
    hub.requests.length = 0;
    try {
      const o = options();
      const model = await fetchHubModel('hf:test/tiny-bert', o);
      assert.ok(readFileSync(join(model.dir, 'onnx/model.onnx')).equals(onnx));
      const tries = hub.requests.filter((r) => r.file === 'onnx/model.onnx');
      assert.deepEqual(tries.map((r) => r.range), [undefined, 'bytes=50000-', 'bytes=100000-']);
      assert.deepEqual(tries.map((r) => r.status), [200, 206, 206]);
      // A server that ignores Range sends the whole file again: its first bytes are skipped.
      cuts = 1;
      hub.ignoreRange = true;
      const other = await fetchHubModel('hf:test/tiny-bert@v2', o);
      assert.ok(readFileSync(join(other.dir, 'onnx/model.onnx')).equals(onnx));
    } finally {
      hub.fault = () => undefined;
      hub.ignoreRange = false;
    }
  });

  test('a download that stalls is dropped after the idle timeout and resumed', async () => {
    let stalls = 1;
    hub.fault = (r) => (r.file === 'onnx/model.onnx' && stalls-- > 0 ? { truncateAfter: 20_000, stall: true } : undefined);
    hub.requests.length = 0;
    try {
      const model = await fetchHubModel('hf:test/tiny-bert', options({ idleTimeoutMs: 300 }));
      assert.ok(readFileSync(join(model.dir, 'onnx/model.onnx')).equals(readFileSync(join(TINY_BERT, 'onnx/model.onnx'))));
      assert.deepEqual(hub.requests.filter((r) => r.file === 'onnx/model.onnx').map((r) => r.range), [undefined, 'bytes=20000-']);
    } finally {
      hub.fault = () => undefined;
    }
  });

  test('a dual (CLIP) export: its text and vision graphs for the dtype and its image processor settings', async () => {
    const o = options({ dtype: 'q8' });
    const model = await fetchHubModel('hf:test/tiny-clip', o);
    assert.deepEqual(model.downloaded.sort(), ['config.json', 'onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json']);
    assert.equal(readFileSync(join(model.dir, 'onnx/vision_model_quantized.onnx'), 'utf8'), 'q8 vision');
    await assert.rejects(fetchHubModel('hf:test/tiny-clip', { ...o, dtype: 'fp32', offline: true }), /missing onnx\/text_model\.onnx, onnx\/vision_model\.onnx$/);
  });

  test('the token option is sent as a bearer token; $HF_TOKEN goes to huggingface.co only', async () => {
    const saved = process.env.HF_TOKEN;
    process.env.HF_TOKEN = 'hf_secret';
    hub.requests.length = 0;
    try {
      await fetchHubModel('hf:test/tiny-bert', options());
      assert.ok(hub.requests.length > 0 && hub.requests.every((r) => r.authorization === undefined));
      hub.requests.length = 0;
      await fetchHubModel('hf:test/tiny-bert', options({ token: 'mine' }));
      assert.ok(hub.requests.length > 0 && hub.requests.every((r) => r.authorization === 'Bearer mine'));
    } finally {
      if (saved === undefined) delete process.env.HF_TOKEN;
      else process.env.HF_TOKEN = saved;
    }
  });

  test('a hub that names no commit: the snapshot is named after the revision, and files are asked for by it', async () => {
    hub.sendsCommit = false;
    hub.requests.length = 0;
    try {
      const o = options();
      const model = await fetchHubModel('hf:test/tiny-bert@v2', o);
      assert.equal(model.snapshot, 'v2');
      assert.ok(fileRequests().every((r) => r.revision === 'v2'));
      assert.equal(readFileSync(join(o.cacheDir!, 'test/tiny-bert/refs/v2'), 'utf8').trim(), 'v2');
      hub.requests.length = 0;
      assert.deepEqual(await encodeAll(await openEncoder('hf:test/tiny-bert@v2', { hub: { ...o, offline: true } })), localCls);
    } finally {
      hub.sendsCommit = true;
    }
  });

  test('a download that keeps failing is refused after the tries, with nothing of it in the cache', async () => {
    hub.fault = (r) => (r.file === 'onnx/model.onnx' ? { truncateAfter: 1000 } : undefined);
    hub.requests.length = 0;
    const o = options({ attempts: 3 });
    try {
      await assert.rejects(fetchHubModel('hf:test/tiny-bert', o), (err: unknown) => {
        assert.ok(err instanceof EmbedkitError);
        assert.equal(err.code, 'download_failed');
        assert.ok(err.message.includes(`onnx/model.onnx from ${hub.url}/test/tiny-bert/resolve/${COMMIT_A}/onnx/model.onnx`), err.message);
        assert.match(err.message, /3 tries/);
        return true;
      });
    } finally {
      hub.fault = () => undefined;
    }
    assert.equal(hub.requests.filter((r) => r.file === 'onnx/model.onnx').length, 3);
    const repo = join(o.cacheDir!, 'test/tiny-bert');
    assert.ok(listFiles(repo).every((f) => !f.includes('onnx') && !f.includes('.tmp-')), listFiles(repo).join(' '));
    assert.ok(!existsSync(join(repo, 'refs/main')));
    // The next open fetches only what is missing.
    hub.requests.length = 0;
    await fetchHubModel('hf:test/tiny-bert', o);
    assert.deepEqual(fileRequests().map((r) => r.file), ['config.json', 'onnx/model.onnx']);
  });

  test('offline with an empty cache: an error that lists the missing files, and not one request', async () => {
    hub.requests.length = 0;
    const o = options({ offline: true });
    await assert.rejects(openEncoder('hf:test/tiny-bert', { hub: o }), (err: unknown) => {
      assert.ok(err instanceof EmbedkitError);
      assert.equal(err.code, 'model_not_cached');
      assert.match(err.message, /hf:test\/tiny-bert is not in the cache .* downloads are off \(offline\): missing config\.json/);
      assert.ok(err.message.includes(o.cacheDir!), err.message);
      return true;
    });
    assert.deepEqual(hub.requests, []);
    // Cached in fp32 but asked for the q8 weights: the one missing file is named.
    const online = { ...o, offline: false };
    await fetchHubModel('hf:test/tiny-bert', online);
    await assert.rejects(fetchHubModel('hf:test/tiny-bert', { ...o, dtype: 'q8' }), /missing onnx\/model_quantized\.onnx$/);
  });

  test('the server and collections take hub ids: served by the repository’s name, recorded as given, reopened offline', async () => {
    const o = options();
    assert.equal(parseModelSpec('hf:BAAI/bge-small-en-v1.5@v1').name, 'bge-small-en-v1.5');
    const [served] = await loadServedModels(['hf:test/tiny-bert'], {}, {}, {}, {}, o);
    assert.equal(served.name, 'tiny-bert');
    assert.equal(served.source, 'hf:test/tiny-bert');
    assert.deepEqual((await served.encoder.encode(TEXTS)).vectors, local);
    await (served.encoder as OpenedEncoder).dispose?.();

    const path = join(work, 'notes.collection');
    const created = await openCollection(path, { model: 'hf:test/tiny-bert', encoderOptions: { hub: o } });
    try {
      await created.add(TEXTS.map((text, i) => ({ id: `t${i}`, text })));
    } finally {
      await created.close();
    }
    hub.requests.length = 0;
    const reopened = await openCollection(path, { encoderOptions: { hub: { ...o, offline: true } } });
    try {
      const [best] = await reopened.search(TEXTS[1], { k: 1 });
      assert.equal(best.id, 't1#0');
    } finally {
      await reopened.close();
    }
    assert.deepEqual(hub.requests, []);
  });
});
