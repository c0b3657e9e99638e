// Issue 15 item 8: a full disk (ENOSPC, EDQUOT) or a failing device (EIO) while writing a checkpoint or any
// output gives an EmbedkitError naming the file and what was not written (never an unhandled 'error' event),
// keeps an earlier file, and leaves no temporary file; signals and dead processes leave none either.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { EmbedkitError } from '../../src/errors.ts';
import { saveEmbeddings } from '../../src/formats/index.ts';
import { writeFastTextBin } from '../../src/formats/fasttext-bin-write.ts';
import { corpusFromLines } from '../../src/text/corpus.ts';
import { trainWord2Vec } from '../../src/train/word2vec.ts';
import { injectWriteFault, removeStaleTemporaryFiles, writeFileAtomic, type WriteFault } from '../../src/util/atomic-write.ts';
import { sampleEmbeddings } from '../formats/vectors-helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'embedkit-write-failures-'));
after(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => injectWriteFault(undefined));
const freshDir = () => mkdtempSync(join(root, 'case-'));
const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp-'));

/** The failure a test expects: an EmbedkitError with this code, naming `path` and saying `what` was not written. */
function deviceFailure(code: string, path: string, what: string, errno: string) {
  return (e: unknown) => {
    assert.ok(e instanceof EmbedkitError, `an EmbedkitError, not ${String(e)}`);
    assert.equal(e.code, code);
    assert.ok(e.message.includes(path), e.message);
    assert.ok(e.message.includes(`${what} was not written`), e.message);
    assert.ok(e.message.includes(errno), e.message);
    return true;
  };
}

const LINES = Array.from({ length: 400 }, (_, i) => ['the cat sat on the mat', 'a dog lay on a rug', 'the red fox ran far'][i % 3]);

for (const code of ['ENOSPC', 'EDQUOT', 'EIO'] as WriteFault['code'][]) {
  test(`${code} while saving a checkpoint: a clean error naming it, the earlier checkpoint kept, no temporary file`, async () => {
    const dir = freshDir();
    const checkpoint = join(dir, 'run.ckpt');
    const opts = { dim: 8, epochs: 1, minCount: 1, threads: 1, seed: 1, input: corpusFromLines(LINES), checkpoint };
    await trainWord2Vec(opts);
    const earlier = readFileSync(checkpoint);
    injectWriteFault({ code, afterBytes: 300, match: (t) => t === checkpoint });
    await assert.rejects(trainWord2Vec({ ...opts, seed: 2, output: join(dir, 'out.txt') }), deviceFailure(code === 'EIO' ? 'io_error' : 'disk_full', checkpoint, 'the checkpoint', code));
    assert.deepEqual(readFileSync(checkpoint), earlier);
    assert.deepEqual(temporaries(dir), []);
    assert.equal(existsSync(join(dir, 'out.txt')), false);
  });
}

test('ENOSPC while writing vectors (text, binary, fastText .bin) or any file: clean errors, no temporary file', async () => {
  const dir = freshDir();
  const emb = sampleEmbeddings(Array.from({ length: 5000 }, (_, i) => `w${i}`), 50);
  injectWriteFault({ code: 'ENOSPC', afterBytes: 70_000 });
  for (const format of ['word2vec-text', 'word2vec-binary'] as const) {
    const path = join(dir, `v.${format}`);
    await assert.rejects(saveEmbeddings(emb, path, { format }), deviceFailure('disk_full', path, 'the file', 'ENOSPC'));
  }
  const bin = join(dir, 'v.bin');
  await assert.rejects(writeFastTextBin(emb, bin), deviceFailure('disk_full', bin, 'the file', 'ENOSPC'));
  const plain = join(dir, 'plot.png');
  await assert.rejects(writeFileAtomic(plain, Buffer.alloc(100_000)), deviceFailure('disk_full', plain, 'the file', 'ENOSPC'));
  assert.deepEqual(readdirSync(dir), []);
});

test('temporary files of processes that no longer run are removed by the next write into their folder', async () => {
  const dir = freshDir();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const stale = [`.vectors.bin.tmp-${dead}-lq2x9k`, `.cooccur.bin.tmp-${dead}`];
  const alive = [`.vectors.bin.tmp-${process.pid}-lq2x9k`, `.other.tmp-${process.ppid}-abc`];
  const unrelated = ['notes.tmp-12', `.x.tmp-${dead}-abc.keep`];
  for (const f of [...stale, ...alive, ...unrelated]) writeFileSync(join(dir, f), 'x');
  await writeFileAtomic(join(dir, 'new.txt'), 'hello');
  assert.deepEqual(readdirSync(dir).sort(), [...alive, ...unrelated, 'new.txt'].sort());
  assert.deepEqual(await removeStaleTemporaryFiles(join(dir, 'missing')), [], 'a folder that cannot be listed is no error');
});

for (const [signal, exitCode] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  test(`${signal} while a file is being written removes its temporary file`, async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/util/signal-child.ts', join(dir, 'out.bin')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('writing') && resolve());
      child.on('exit', () => reject(new Error('the child exited before writing')));
    });
    assert.equal(temporaries(dir).length, 1);
    assert.ok(statSync(join(dir, temporaries(dir)[0])).size > 0);
    child.kill(signal);
    assert.equal(await exited, exitCode);
    assert.deepEqual(readdirSync(dir), []);
  });
}
