import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { parseMultipart } from './helpers/multipart-reference.ts';
import { readMultipartStream, type StreamedForm } from '../../src/serve/vector-stores/multipart-stream.ts';

// The streaming reader against the whole-body parser: the same bodies, cut into pieces of every small size (so that
// delimiters, CRLFs and header ends fall across the cuts), give the same fields and the same file bytes, and the
// same broken bodies the same refusals.

const CRLF = '\r\n';
const B = 'Bnd-42';

function body(parts: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(`preamble${CRLF}`), ...parts.flatMap((p) => [Buffer.from(`--${B}${CRLF}`), p, Buffer.from(CRLF)]), Buffer.from(`--${B}--${CRLF}epilogue`)]);
}
const field = (name: string, value: string) => Buffer.from(`Content-Disposition: form-data; name="${name}"${CRLF}${CRLF}${value}`);
const file = (name: string, filename: string, data: Buffer) => Buffer.concat([Buffer.from(`Content-Disposition: form-data; name="${name}"; filename="${filename}"${CRLF}Content-Type: application/octet-stream${CRLF}${CRLF}`), data]);

async function* pieces(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function stream(b: Buffer, size: number, limit = Infinity): Promise<StreamedForm & { data: Buffer | null }> {
  const chunks: Buffer[] = [];
  let opened = false;
  const form = await readMultipartStream(pieces(b, size), B, {
    fileField: 'file',
    limit,
    openFile: async () => {
      opened = true;
      return { write: async (bytes) => void chunks.push(Buffer.from(bytes)) };
    },
  });
  return { ...form, data: opened ? Buffer.concat(chunks) : null };
}

test('every cut of a body gives the fields and file bytes the whole-body parser gives', async () => {
  // File bytes that hold a CRLF, dashes and most of the delimiter, the traps of boundary search.
  const data = Buffer.concat([Buffer.from(`x${CRLF}--${B.slice(0, 4)}${CRLF}--`), randomBytes(3000), Buffer.from(`${CRLF}-`)]);
  const whole = body([field('purpose', 'assistants'), file('other', 'o.txt', Buffer.from('dropped')), file('file', 'data.bin', data), file('file', 'second.bin', Buffer.from('ignored')), field('purpose', 'second'), field('expires_after[seconds]', '3600')]);
  const want = parseMultipart(whole, B);
  for (const size of [1, 2, 3, 5, 7, 11, 64, 1000, whole.length]) {
    const got = await stream(whole, size);
    assert.deepEqual(got.fields, want.fields, `pieces of ${size}`);
    assert.deepEqual(got.file && { field: got.file.field, filename: got.file.filename, contentType: got.file.contentType, bytes: got.file.bytes }, { field: 'file', filename: 'data.bin', contentType: 'application/octet-stream', bytes: data.length });
    assert.ok(got.data!.equals(want.files.find((f) => f.field === 'file')!.data), `pieces of ${size}`);
  }
});

test('broken bodies are refused as the whole-body parser refuses them, whatever the cuts', async () => {
  const cases = [
    Buffer.from('no boundary at all'),
    Buffer.from(`--${B}${CRLF}Content-Disposition: form-data; name="purpose"${CRLF}${CRLF}half a fi`),
    Buffer.from(`--${B}${CRLF}Content-Type: text/plain${CRLF}${CRLF}x${CRLF}--${B}--`),
    Buffer.from(`--${B}x${CRLF}`),
    Buffer.concat([Buffer.from(`--${B}${CRLF}`), Buffer.alloc(9000, 0x61)]),
    body(Array.from({ length: 33 }, (_, i) => field(`f${i}`, 'v'))),
    body([field('purpose', 'x'.repeat(70 * 1024))]),
  ];
  for (const b of cases) {
    let want = '';
    try {
      parseMultipart(b, B);
    } catch (err) {
      want = (err as Error).message;
    }
    assert.notEqual(want, '', 'the whole-body parser refuses it');
    for (const size of [1, 3, 64, b.length]) await assert.rejects(stream(b, size), (err: Error) => err.message === want, `${want} (pieces of ${size})`);
  }
});

test('the limit counts body bytes as they come: one past it is a 413 before the rest is read', async () => {
  const whole = body([field('purpose', 'assistants'), file('file', 'a.bin', randomBytes(5000))]);
  await stream(whole, 100, whole.length);
  let read = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const p of pieces(whole, 100)) {
      read += p.length;
      yield p;
    }
  }
  await assert.rejects(readMultipartStream(counted(), B, { fileField: 'file', limit: 1000, openFile: async () => ({ write: async () => undefined }) }), (err: Error & { statusCode?: number }) => err.statusCode === 413);
  assert.equal(read, 1100);
});
