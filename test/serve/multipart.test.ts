import assert from 'node:assert/strict';
import { test } from 'node:test';
import { multipartBoundary } from '../../src/serve/vector-stores/multipart.ts';
import { parseMultipart } from './helpers/multipart-reference.ts';

/** Bodies as browsers, undici (Node's fetch, the openai SDK) and curl write them, and broken ones. */
const CRLF = '\r\n';

function body(boundary: string, parts: string[]): Buffer {
  return Buffer.from(`${parts.map((p) => `--${boundary}${CRLF}${p}${CRLF}`).join('')}--${boundary}--${CRLF}`, 'latin1');
}

test('the boundary comes from the content type, quoted or bare', () => {
  assert.equal(multipartBoundary('multipart/form-data; boundary=----abc123'), '----abc123');
  assert.equal(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b:c"'), 'a b:c');
  assert.equal(multipartBoundary('Multipart/Form-Data;boundary=x'), 'x');
  assert.equal(multipartBoundary('application/json'), null);
  assert.equal(multipartBoundary('multipart/form-data'), null);
  assert.equal(multipartBoundary(undefined), null);
});

test('fields and files, with binary content kept byte for byte', () => {
  const binary = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]).toString('latin1');
  const form = parseMultipart(
    body('XX', [
      `Content-Disposition: form-data; name="purpose"${CRLF}${CRLF}assistants`,
      `Content-Disposition: form-data; name="file"; filename="data.bin"${CRLF}Content-Type: application/octet-stream${CRLF}${CRLF}${binary}`,
      `Content-Disposition: form-data; name="purpose"${CRLF}${CRLF}second value ignored`,
    ]),
    'XX',
  );
  assert.equal(form.fields.get('purpose'), 'assistants');
  assert.equal(form.files.length, 1);
  assert.deepEqual(form.files[0].data, Buffer.from([0, 1, 2, 13, 10, 45, 45, 255]));
  assert.equal(form.files[0].filename, 'data.bin');
  assert.equal(form.files[0].contentType, 'application/octet-stream');
});

test('file names: escaped quotes, RFC 5987 UTF-8 names, and "filename" not taken for "name"', () => {
  const form = parseMultipart(
    body('b', [
      `Content-Disposition: form-data; name="file"; filename="say \\"hi\\".txt"${CRLF}${CRLF}x`,
      `Content-Disposition: form-data; filename="ignored.txt"; name="other"; filename*=UTF-8''%E6%96%87%E4%BB%B6.txt${CRLF}${CRLF}y`,
    ]),
    'b',
  );
  assert.deepEqual(form.files.map((f) => [f.field, f.filename]), [['file', 'say "hi".txt'], ['other', '文件.txt']]);
});

test('broken bodies are refused, never read short', () => {
  const refused = (b: Buffer, pattern: RegExp) => assert.throws(() => parseMultipart(b, 'B'), (e: Error & { status?: number }) => e.status === 400 && pattern.test(e.message));
  refused(Buffer.from('no boundary at all'), /boundary never occurs/);
  refused(Buffer.from(`--B${CRLF}Content-Disposition: form-data; name="a"${CRLF}${CRLF}cut here`), /closing boundary is missing/);
  refused(Buffer.from(`--B${CRLF}Content-Type: text/plain${CRLF}${CRLF}x${CRLF}--B--`), /Content-Disposition/);
  refused(Buffer.from(`--B${CRLF}Content-Disposition: form-data; name="a"${CRLF}x${CRLF}--B--`), /no end of headers/);
  refused(body('B', Array.from({ length: 40 }, (_, i) => `Content-Disposition: form-data; name="f${i}"${CRLF}${CRLF}v`)), /more than 32 parts/);
});
