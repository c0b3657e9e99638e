import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePythonFloat, readLines, splitWhitespace, stripWhitespace } from '../../src/eval/eval-text.ts';
import { FormatError } from '../../src/errors.ts';
import { needs, PYTHON } from '../helpers/oracles.ts';
import { tempDir } from './helpers/paths.ts';

const ARABIC_INDIC_THREE = '\u0663';
const FLOATS = ['7.35', ' 10.00\n', '+1e3', '-.5', '5.', '1_000.5', '1__0', '_1', '1_', 'inf', '-Infinity', 'NaN', 'nan1', '', ' ', '0x10', '1e', '1.2.3', ARABIC_INDIC_THREE, '\u00a04\u2003', '1e-400', '.e1', '3\x1c', 'six'];
const SPLITS = ['a b', '  a\t\tb  c \r\n', 'a\u00a0b\u3000c\u2028d', 'a\x1cb\x1fc\x85d', 'a\ufeffb', '', '   ', 'x\u200by'];

test('score and whitespace parsing follow Python (float(), str.split(), str.strip())', (t) => {
  if (!needs(t, 'python3')) return;
  const script = [
    'import json, sys',
    'd = json.load(sys.stdin)',
    'def f(s):',
    '    try:',
    '        v = float(s)',
    '    except ValueError:',
    '        return "invalid"',
    '    return "nan" if v != v else v if abs(v) != float("inf") else ("inf" if v > 0 else "-inf")',
    'json.dump({"floats": [f(s) for s in d["floats"]], "splits": [s.split() for s in d["splits"]], "strips": [s.strip() for s in d["splits"]]}, sys.stdout)',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify({ floats: FLOATS, splits: SPLITS }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const py = JSON.parse(r.stdout) as { floats: (number | string)[]; splits: string[][]; strips: string[] };
  FLOATS.forEach((s, i) => {
    const ours = parsePythonFloat(s);
    const want = py.floats[i];
    const shown = ours === null ? 'invalid' : Number.isNaN(ours) ? 'nan' : ours === Infinity ? 'inf' : ours === -Infinity ? '-inf' : ours;
    // Python accepts Unicode digits ("٣"); evaluation files never use them, so those may be refused here.
    if (s === ARABIC_INDIC_THREE) assert.equal(shown, 'invalid');
    else assert.equal(shown, want, `float(${JSON.stringify(s)})`);
  });
  SPLITS.forEach((s, i) => {
    assert.deepEqual(splitWhitespace(s), py.splits[i], `${JSON.stringify(s)}.split()`);
    assert.equal(stripWhitespace(s), py.strips[i], `${JSON.stringify(s)}.strip()`);
  });
});

test('lines: numbered from 1, a byte-order mark dropped, universal newlines on request', () => {
  const { dir, cleanup } = tempDir();
  try {
    const p = join(dir, 'lines.txt');
    writeFileSync(p, '\ufeffone\r\ntwo\rthree\nfour');
    assert.deepEqual(readLines(p, true), [{ text: 'one', line: 1 }, { text: 'two', line: 2 }, { text: 'three', line: 3 }, { text: 'four', line: 4 }]);
    assert.deepEqual(readLines(p, false).map((l) => l.text), ['one\r', 'two\rthree', 'four']);
    writeFileSync(p, Buffer.from([0x61, 0x0a, 0x62, 0xe2, 0x82, 0x0a]));
    assert.throws(() => readLines(p, true), (e: unknown) => e instanceof FormatError && e.location.line === 2 && e.location.byte === 3);
  } finally {
    cleanup();
  }
});
