import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printNeighbours } from '../../src/cli/common.ts';

function captured(fn: () => void): string {
  let out = '';
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => {
    out += chunk;
    return true;
  }) as typeof process.stdout.write;
  try {
    fn();
  } finally {
    process.stdout.write = write;
  }
  return out;
}

test('printNeighbours pads by display width: a Chinese character takes two columns, a combining mark none', () => {
  const out = captured(() =>
    printNeighbours('neighbours', [
      { word: '上海市', score: 0.9 }, // 6 columns, the widest
      { word: '北京', score: 0.8 }, // 4 columns
      { word: 'ok', score: 0.7 },
      { word: 'nai\u0308ve', score: 0.6 }, // "naïve" with a combining diaeresis: 5 columns
      { word: 'ＡＢ', score: 0.5 }, // fullwidth letters: 4 columns
    ]),
  );
  assert.deepEqual(out.split('\n'), [
    'neighbours',
    '  1. 上海市  0.9000',
    '  2. 北京    0.8000',
    '  3. ok      0.7000',
    '  4. nai\u0308ve   0.6000',
    '  5. ＡＢ    0.5000',
    '',
  ]);
});
