import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chunkText } from '../../src/search/chunking.ts';
import { compileFilter, FilterError, type FieldType } from '../../src/search/filter.ts';
import { mmrOrder } from '../../src/search/mmr.ts';
import { htmlToText, markdownToText } from '../../src/search/text-extract.ts';

test('chunks hold maxTokens tokens, each starting maxTokens − overlapTokens after the one before, and end at the text', () => {
  const words = Array.from({ length: 23 }, (_, i) => `w${i}`);
  const chunks = chunkText(`  ${words.join(' \n ')}.`, { maxTokens: 10, overlapTokens: 4 });
  // Tokens: 23 words and the final full stop (24); starts 0, 6, 12, 18; the last ends at token 23.
  assert.deepEqual(chunks.map((c) => [c.index, c.tokens]), [[0, 10], [1, 10], [2, 10], [3, 6]]);
  assert.equal(chunks[0].text.split(/\s+/)[0], 'w0');
  assert.equal(chunks[1].text.split(/\s+/)[0], 'w6');
  assert.ok(chunks[3].text.endsWith('w22.'));
  // Chinese characters count one token each; a text with no token gives no chunk.
  assert.deepEqual(chunkText('自由软件基金会', { maxTokens: 4, overlapTokens: 2 }).map((c) => c.text), ['自由软件', '软件基金', '基金会']);
  assert.deepEqual(chunkText('   \n ', {}), []);
  assert.throws(() => chunkText('a b', { maxTokens: 4, overlapTokens: 4 }), /overlapTokens must be an integer from 0 to chunking.maxTokens − 1 \(3\)/);
});

test('filters are checked against field types and rewritten to quoted columns', () => {
  const fields = new Map<string, FieldType>([['lang', 'string'], ['year', 'number'], ['draft', 'boolean'], ['a.b', 'string']]);
  const col = (f: string) => `\`m_${f}\``;
  assert.equal(compileFilter(`lang = "en" AND (year >= 2020 OR draft = false) AND lang IN ('fr', "it's")`, fields, col), "`m_lang` = 'en' AND ( `m_year` >= 2020 OR `m_draft` = FALSE ) AND `m_lang` IN ( 'fr' , 'it''s' )");
  assert.equal(compileFilter('year BETWEEN -5 AND 10 AND lang LIKE "e%" AND `a.b` IS NOT NULL', fields, col), "`m_year` BETWEEN -5 AND 10 AND `m_lang` LIKE 'e%' AND `m_a.b` IS NOT NULL");
  const refused = (filter: string, field: string | undefined, message: RegExp) =>
    assert.throws(() => compileFilter(filter, fields, col), (e: unknown) => e instanceof FilterError && e.field === field && message.test(e.message), filter);
  refused('country = "fr"', 'country', /unknown field "country" \(fields: lang, year, draft, a.b\)/);
  refused('year = "2020"', 'year', /holds number values but is compared with a string/);
  refused('2020 < lang', 'lang', /holds string values but is compared with a number/);
  refused('draft IN (true, 1)', 'draft', /holds boolean values but is tested against a number/);
  refused('year BETWEEN 1 AND "x"', 'year', /bounded by a string/);
  refused('year LIKE "2%"', 'year', /LIKE matches strings only/);
  refused("lang = 'en", undefined, /a string is not closed/);
  refused('lang = en;', undefined, /unexpected ";"/);
});

test('MMR picks by λ·relevance − (1 − λ)·(highest similarity to a pick)', () => {
  const v = (x: number, y: number) => Float32Array.from([x, y].map((c) => c / Math.hypot(x, y)));
  // b is a near-copy of a; c is less relevant but different.
  const vectors = [v(1, 0), v(1, 0.01), v(0, 1)];
  const relevance = [0.9, 0.89, 0.5];
  assert.deepEqual(mmrOrder(relevance, vectors, 1, 3), [0, 1, 2]);
  // λ = 0.5: after a, b scores 0.5·0.89 − 0.5·0.99995 < c's 0.5·0.5 − 0.5·0.
  assert.deepEqual(mmrOrder(relevance, vectors, 0.5, 3), [0, 2, 1]);
});

test('Markdown and HTML give the text a reader sees', () => {
  assert.deepEqual(markdownToText('# Title\n\nSome *emphasis*, a [link](http://x) and ![an image](i.png).\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[ref]: http://example.org\n'), {
    title: 'Title',
    text: 'Title\n\nSome emphasis, a link and an image.\n\nquoted\n\na b\n1 2',
  });
  assert.deepEqual(htmlToText('<html><head><title>T &lt;1&gt;</title><script>alert(1)</script></head><body><p>caf&eacute;&#233; &#x41;<br>line<img alt="pic" src=x></p><ul><li>one</li><li>two</li></ul></body></html>'), {
    title: 'T <1>',
    text: 'caféé A\nline pic\n\none\n\ntwo',
  });
});
