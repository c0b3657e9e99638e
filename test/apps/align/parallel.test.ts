import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeParallel, splitJointSpace } from '../../../src/apps/align/parallel.ts';
import { InvalidArgumentError } from '../../../src/errors.ts';
import { Embeddings } from '../../../src/vectors/embeddings.ts';
import { Vocabulary } from '../../../src/vocab/vocabulary.ts';

/** The interleave rule written out plainly: every word keyed by (position + ½)/length, a stable sort, source first on ties. */
function interleaveReference(a: string[], b: string[]): string {
  const keyed = [...a.map((w, i) => ({ w, key: (i + 0.5) / a.length, side: 0 })), ...b.map((w, j) => ({ w, key: (j + 0.5) / b.length, side: 1 }))];
  return keyed
    .sort((x, y) => x.key - y.key || x.side - y.side)
    .map((x) => x.w)
    .join(' ');
}

test('interleave merges the two sides by relative position, as the plain sort does', () => {
  const cases: [string, string][] = [
    ['in the beginning god created the heavens and the earth', 'en el principio crió dios los cielos y la tierra'],
    ['a b c', 'x'],
    ['a', 'w x y z'],
    ['a b', 'x y'],
    ['', 'x y'],
    ['a b', ''],
  ];
  const merged = mergeParallel(cases.map((c) => c[0]), cases.map((c) => c[1]), { sourcePrefix: 'en:', targetPrefix: 'es:' });
  cases.forEach(([a, b], i) => {
    const pa = a.split(' ').filter(Boolean).map((w) => `en:${w}`);
    const pb = b.split(' ').filter(Boolean).map((w) => `es:${w}`);
    assert.equal(merged[i], interleaveReference(pa, pb));
  });
  assert.equal(merged[3], 'en:a es:x en:b es:y');
});

test('shuffle keeps every word of the pair, repeats for a seed and changes with it', () => {
  const a = Array.from({ length: 50 }, (_, i) => Array.from({ length: 12 }, (_, j) => `w${(i * 7 + j) % 30}`).join(' '));
  const b = a.map((l) => l.toUpperCase());
  const one = mergeParallel(a, b, { merge: 'shuffle', seed: 3 });
  assert.deepEqual(mergeParallel(a, b, { merge: 'shuffle', seed: 3 }), one);
  assert.notDeepEqual(mergeParallel(a, b, { merge: 'shuffle', seed: 4 }), one);
  one.forEach((line, i) => {
    const expected = [...a[i].split(' ').map((w) => `src:${w}`), ...b[i].split(' ').map((w) => `tgt:${w}`)].sort();
    assert.deepEqual(line.split(' ').sort(), expected);
  });
  // Shuffled, not merely interleaved: most lines differ from the positional merge.
  const interleaved = mergeParallel(a, b);
  assert.ok(one.filter((l, i) => l !== interleaved[i]).length > 45);
});

test('bad input to mergeParallel is refused, naming the option', () => {
  assert.throws(() => mergeParallel(['a'], ['x', 'y']), /one line per aligned pair: 1 source lines, 2 target lines/);
  assert.throws(() => mergeParallel(['a'], ['x'], { sourcePrefix: 'e n' }), (e: Error) => e instanceof InvalidArgumentError && /sourcePrefix/.test(e.message));
  assert.throws(() => mergeParallel(['a'], ['x'], { sourcePrefix: 'e:', targetPrefix: 'e:s:' }), /must not start one another/);
  assert.throws(() => mergeParallel(['a'], ['x'], { merge: 'zip' as never }), /merge must be interleave or shuffle/);
});

test('splitJointSpace gives each language its rows, words unprefixed, counts and order kept', () => {
  const words = ['en:the', 'es:el', '</s>', 'en:dog', 'es:perro', 'es:', 'xx'];
  const vectors = Float32Array.from({ length: words.length * 3 }, (_, i) => i);
  const joint = new Embeddings(new Vocabulary(words, [9, 8, 7, 6, 5, 4, 3]), vectors, 3);
  const { source, target, unprefixed } = splitJointSpace(joint, { sourcePrefix: 'en:', targetPrefix: 'es:' });
  assert.deepEqual(source.vocab.words, ['the', 'dog']);
  assert.deepEqual(target.vocab.words, ['el', 'perro']);
  assert.deepEqual(unprefixed, ['</s>', 'es:', 'xx']);
  assert.deepEqual([...source.row(1)], [...joint.row(3)]);
  assert.deepEqual([...target.row(1)], [...joint.row(4)]);
  assert.deepEqual([...target.vocab.counts], [8, 5]);
  assert.throws(() => splitJointSpace(joint, { sourcePrefix: 'fr:', targetPrefix: 'es:' }), /no words with the sourcePrefix "fr:"/);
});
