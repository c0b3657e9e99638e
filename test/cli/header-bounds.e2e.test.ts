// End-to-end: a word2vec header whose dimension no file could hold used to abort the process (rc 134, an fs.read
// past 2 GiB with --limit) or end in a bare RangeError; now `embedkit` exits 1 with the file, line 1 and the reason.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { describeRun, makeTempDir, runCli, writeFile } from './e2e-helpers.ts';

const tmp = makeTempDir();
after(() => tmp.remove());

describe('a damaged vectors header', { concurrency: 4 }, () => {
  const cases: Array<[string, string | Buffer]> = [];
  for (const dim of ['1000000', '1000000000', '2147483647', '4294967296', '1000000000000']) {
    // The reproduction: printf '2 1000000000\nking ' > a.bin; head -c 64 /dev/zero >> a.bin
    cases.push([`dim-${dim}.bin`, Buffer.concat([Buffer.from(`2 ${dim}\nking `), Buffer.alloc(64)])]);
    cases.push([`dim-${dim}.txt`, `2 ${dim}\nking 0.1 0.2\n`]);
    cases.push([`dim-${dim}.vec`, `2 ${dim}\nking 0.1 0.2\n`]);
    cases.push([`dim-${dim}.txt.gz`, gzipSync(`2 ${dim}\nking 0.1 0.2\n`)]);
  }
  for (const [name, content] of cases) {
    for (const extra of [[], ['--limit', '1']]) {
      it(`info ${name} ${extra.join(' ')}: exit 1 with the file, line 1 and the header's dimension`, async () => {
        const path = writeFile(tmp.dir, name, content);
        const r = await runCli(['info', path, ...extra]);
        assert.equal(r.code, 1, describeRun(r));
        assert.equal(r.stdout, '', describeRun(r));
        assert.ok(r.stderr.startsWith(`embedkit: ${path}, line 1: `), describeRun(r));
        assert.match(r.stderr, /header/);
        assert.match(r.stderr, /dimension/);
        assert.doesNotMatch(r.stderr, /\n\s+at |RangeError/, `stack trace printed:\n${r.stderr}`);
      });
    }
  }
});
