import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { piecesAtWhitespace, TransformerEncoder } from '../../src/encoders/transformer.ts';

/**
 * A long text is tokenized in pieces cut before whitespace, leaving the event loop turns in between: the ids (and
 * so the vectors) must be exactly those of the text tokenized whole.
 */
let encoder: TransformerEncoder;
before(async () => {
  encoder = await TransformerEncoder.load('test/fixtures/tiny-bert', { threads: 1 });
});
after(() => encoder.dispose());

const mixed = ['The King', 'queen,', 'Café', 'naïve', '北京', 'walks\tin', 'the\ngarden.', '(unbelievable)', 'self-made', '42%', '  spaced  ', '[MASK]'];
function longText(chars: number): string {
  const parts: string[] = [];
  for (let i = 0, n = 0; n < chars; i++) {
    const p = mixed[(i * 7) % mixed.length];
    parts.push(p);
    n += p.length + 1;
  }
  return parts.join(' ');
}

test('piecesAtWhitespace: pieces join back to the text, each after the first starts at whitespace', () => {
  const text = longText(10_000);
  const pieces = piecesAtWhitespace(text, 500);
  assert.ok(pieces.length > 10);
  assert.equal(pieces.join(''), text);
  pieces.slice(1).forEach((p) => assert.match(p, /^\s/));
  assert.deepEqual(piecesAtWhitespace('short', 500), ['short']);
  assert.deepEqual(piecesAtWhitespace('x'.repeat(2000), 500), ['x'.repeat(2000)], 'no whitespace: one piece');
});

test('a long text encodes exactly as its whole-text token ids do', async () => {
  const text = longText(9000).replace(/ (?=[a-z])/g, (m, at: number) => (at % 5 === 0 ? '\n ' : at % 3 === 0 ? '  ' : m));
  const whole = encoder.tokenize(text).ids;
  const sliced = await encoder.encode([text]);
  const reference = await encoder.encodeTokenIds([whole]);
  assert.equal(sliced.tokens[0], reference.tokens[0]);
  assert.deepEqual(sliced.vectors[0], reference.vectors[0]);
});

test('tokenizing a long text leaves the event loop turns', async () => {
  const text = longText(60_000);
  let turns = 0;
  const timer = setInterval(() => turns++, 1);
  const stop = new Error('tokenized');
  let counted = 0;
  await assert.rejects(
    encoder.encode([text], {
      onTokens: (t) => {
        counted = t[0];
        throw stop;
      },
    }),
    stop,
  );
  clearInterval(timer);
  assert.equal(counted, encoder.tokenize(text).ids.length + 2);
  assert.ok(turns >= 3, `the event loop had ${turns} turns while 60,000 characters were tokenized`);
});
