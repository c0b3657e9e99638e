import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ingestFiles, openCollection, type FileReport } from '../../src/search/index.ts';
import { cleanup, licenseModel, LICENSES, tempDir } from './helpers.ts';

// Files of every kind ingestFiles reads, with a binary file, an invalid UTF-8 file and a broken JSON lines file among
// them: those fail with their reason, the others are stored.

let model: string;
let dir: string;

before(async () => {
  model = await licenseModel();
  dir = tempDir();
  const src = join(dir, 'src');
  mkdirSync(join(src, 'sub', 'deeper'), { recursive: true });
  mkdirSync(join(src, '.hidden'));
  writeFileSync(join(src, 'lines.txt'), 'the program is free software\n\n  you can redistribute it  \nwithout any warranty\n');
  writeFileSync(join(src, 'notes.jsonl'), '{"id":"n1","text":"copies of the license","lang":"en","year":2007}\n\n{"id":7,"text":"la licence publique","lang":"fr"}\n{"text":"no id given","lang":"en"}\n');
  writeFileSync(join(src, 'sub', 'readme.md'), '---\ntitle: x\n---\n# Terms and *Conditions*\n\nSee [the license](https://example.org/l) and `source code`.\n\n- item one\n- item **two**\n\n```\ncode block text\n```\n');
  writeFileSync(join(src, 'sub', 'deeper', 'page.html'), '<!doctype html><html><head><title>Patent &amp; Grant</title><style>p{color:red}</style><script>var x = 1;</script></head><body><h1>Patent grant</h1><p>Each contributor grants&nbsp;you a <b>patent</b> license.</p><!-- hidden --></body></html>');
  writeFileSync(join(src, 'sub', 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  writeFileSync(join(src, 'latin1.txt'), Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'));
  writeFileSync(join(src, 'broken.jsonl'), '{"text":"fine"}\n{"text": oops}\n');
  writeFileSync(join(src, '.hidden', 'secret.txt'), 'never read\n');
});
after(cleanup);

test('a directory is walked recursively; each kind of file becomes documents; bad files fail with a reason and the others go on', async () => {
  const c = await openCollection(join(dir, 'files'), { model });
  const seen: FileReport[] = [];
  const result = await ingestFiles(c, [join(dir, 'src')], { onFile: (r) => seen.push(r) });
  const byName = Object.fromEntries(result.files.map((f) => [f.path.slice(join(dir, 'src').length + 1), f]));
  assert.deepEqual(Object.keys(byName).sort(), ['broken.jsonl', 'latin1.txt', 'lines.txt', 'notes.jsonl', 'sub/deeper/page.html', 'sub/image.png', 'sub/readme.md']);
  assert.deepEqual(
    Object.fromEntries(Object.entries(byName).map(([n, f]) => [n, [f.status, f.docs]])),
    {
      'broken.jsonl': ['failed', 0],
      'latin1.txt': ['failed', 0],
      'lines.txt': ['completed', 3],
      'notes.jsonl': ['completed', 3],
      'sub/deeper/page.html': ['completed', 1],
      'sub/image.png': ['failed', 0],
      'sub/readme.md': ['completed', 1],
    },
  );
  assert.match(byName['latin1.txt'].error!, /not valid UTF-8 \(first bad byte at offset 3\)/);
  assert.match(byName['sub/image.png'].error!, /not a text file \(a NUL byte at offset 8\)/);
  assert.match(byName['broken.jsonl'].error!, /^line 2: not JSON/);
  assert.equal(seen.length, 7, 'every file reported once');
  assert.equal(result.docs, 8);
  assert.equal(await c.count(), 8);

  const [n1] = await c.get(['n1']);
  assert.deepEqual(n1.metadata, { lang: 'en', year: 2007 });
  assert.equal((await c.get(['7']))[0].text, 'la licence publique');
  const lines = await c.search('redistribute', { k: 8, filter: `source = ${JSON.stringify(join(dir, 'src', 'lines.txt'))}` });
  assert.deepEqual(lines.map((h) => [h.text, h.metadata.line]).sort((a, b) => (a[1] as number) - (b[1] as number)), [
    ['the program is free software', 1],
    ['you can redistribute it', 3],
    ['without any warranty', 4],
  ]);
  const [md] = await c.search('terms', { k: 1, filter: 'title = "Terms and Conditions"' });
  assert.equal(md.text, 'Terms and Conditions\n\nSee the license and source code.\n\nitem one\nitem two\n\ncode block text');
  const [html] = await c.search('patent', { k: 1, filter: "title = 'Patent & Grant'" });
  assert.equal(html.text, 'Patent grant\n\nEach contributor grants you a patent license.');

  // Rerunning skips everything stored; a .txt read whole is one document.
  const again = await ingestFiles(c, [join(dir, 'src')]);
  assert.deepEqual([again.docs, again.skippedDocs, again.chunks], [8, 8, 0]);
  const whole = await ingestFiles(c, [join(dir, 'src', 'lines.txt')], { txt: 'file' });
  assert.deepEqual([whole.docs, whole.chunks], [1, 1]);
  await c.close();
});

test('real licence files ingest with progress in bytes, every file completing', async () => {
  const c = await openCollection(join(dir, 'licenses'), { model });
  const files = ['MPL-2.0', 'Apache-2.0'].map((f) => join(LICENSES, f));
  const totalBytes = files.reduce((a, f) => a + readFileSync(f).length, 0);
  const progress: number[] = [];
  const result = await ingestFiles(c, files, { batchSize: 100, onProgress: (p) => (assert.equal(p.totalBytes, totalBytes), progress.push(p.bytes)) });
  assert.ok(result.files.every((f) => f.status === 'completed'));
  assert.ok(progress.length >= 3 && progress.every((b, i) => i === 0 || b >= progress[i - 1]));
  assert.equal(progress.at(-1), totalBytes);
  await c.close();
});
