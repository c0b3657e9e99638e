import { errorCodes } from 'fastify';
import { invalidRequest } from '../api-error.ts';
import { dispositionParam, MAX_FIELD_BYTES, MAX_PART_HEADER_BYTES, MAX_PARTS, parseHeaders } from './multipart.ts';

/** The file part of an upload, as its headers describe it. */
export interface FilePartInfo {
  field: string;
  filename: string;
  contentType: string | null;
}

/** Where a file part's bytes go, in order, as they arrive; `write` may wait (the body is not read meanwhile). */
export interface FileSink {
  write(bytes: Buffer): Promise<void>;
}

export interface StreamedForm {
  /** Plain fields (no file name), decoded as UTF-8; a repeated field keeps its first value. */
  fields: Map<string, string>;
  /** The first part named `fileField` that carried a file name, and how many bytes it held; null when none did. */
  file: (FilePartInfo & { bytes: number }) | null;
}

export interface StreamOptions {
  /** The part whose bytes go to `openFile` (other file parts are read and dropped). */
  fileField: string;
  openFile(info: FilePartInfo): Promise<FileSink>;
  /** Most body bytes read; one more is a 413 at once, the rest of the body unread. */
  limit: number;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Reads a multipart/form-data body as it arrives, holding no more of it than a delimiter's length: a file part's
 * bytes go to its sink as they come, so an upload of any size costs no memory. As strict as the whole-body parser
 * it replaced, which the tests keep as its reference (test/serve/helpers/multipart-reference.ts): a part without
 * Content-Disposition, a missing closing boundary, too many parts are a 400 naming what is wrong; the size limit is
 * checked as bytes arrive.
 */
export async function readMultipartStream(body: AsyncIterable<Buffer | string>, boundary: string, options: StreamOptions): Promise<StreamedForm> {
  const delimiter = Buffer.from(`--${boundary}`);
  // Inside a part, its end is the delimiter on a line of its own.
  const partEnd = Buffer.concat([CRLF, delimiter]);
  const form: StreamedForm = { fields: new Map(), file: null };
  type Part = { sink: FileSink | null; field: Buffer[] | null; name: string; bytes: number; info: FilePartInfo | null };
  type State = 'preamble' | 'boundary' | 'headers' | 'body' | 'done';
  // Set inside step(), so not narrowed to its first value.
  let state = 'preamble' as State;
  let buf: Buffer = Buffer.alloc(0);
  let fileOpened = false;
  let parts = 0;
  let received = 0;
  let part: Part | null = null;

  const emit = async (bytes: Buffer) => {
    if (bytes.length === 0 || !part) return;
    part.bytes += bytes.length;
    if (part.sink) await part.sink.write(bytes);
    else if (part.field) {
      if (part.bytes > MAX_FIELD_BYTES) throw invalidRequest(`The form field ${JSON.stringify(part.name)} is longer than ${MAX_FIELD_BYTES} bytes.`, part.name, 'invalid_multipart');
      part.field.push(Buffer.from(bytes));
    }
  };
  const finishPart = () => {
    if (!part) return;
    if (part.field && !form.fields.has(part.name)) form.fields.set(part.name, Buffer.concat(part.field).toString('utf8'));
    if (part.sink && part.info) form.file = { ...part.info, bytes: part.bytes };
    part = null;
  };
  const openPart = async (headerText: string) => {
    const headers = parseHeaders(headerText);
    const disposition = headers.get('content-disposition');
    const name = disposition ? dispositionParam(disposition, 'name') : null;
    if (!disposition || !/^form-data\b/i.test(disposition) || name === null) {
      throw invalidRequest('The multipart body is malformed: a part has no "Content-Disposition: form-data; name=..." header.', null, 'invalid_multipart');
    }
    const filename = dispositionParam(disposition, 'filename');
    if (filename === null) return { sink: null, field: [], name, bytes: 0, info: null };
    const info: FilePartInfo = { field: name, filename, contentType: headers.get('content-type') ?? null };
    const wanted = name === options.fileField && !fileOpened;
    fileOpened ||= wanted;
    return { sink: wanted ? await options.openFile(info) : null, field: null, name, bytes: 0, info: wanted ? info : null };
  };

  /** Consumes what `buf` allows; false when more bytes are needed. */
  const step = async (): Promise<boolean> => {
    switch (state) {
      case 'preamble': {
        // The first delimiter may be preceded by a preamble, which is ignored (RFC 2046 §5.1.1).
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          buf = buf.subarray(Math.max(0, buf.length - delimiter.length + 1));
          return false;
        }
        buf = buf.subarray(at + delimiter.length);
        state = 'boundary';
        return true;
      }
      case 'boundary': {
        if (buf.length < 2) return false;
        // "--" right after a delimiter closes the body (what follows, the epilogue, is ignored).
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          state = 'done';
          return false;
        }
        if (parts >= MAX_PARTS) throw invalidRequest(`The multipart body has more than ${MAX_PARTS} parts.`, null, 'invalid_multipart');
        // Transport padding (spaces, tabs) may follow the delimiter before its CRLF.
        let pos = 0;
        while (buf[pos] === 0x20 || buf[pos] === 0x09) pos++;
        if (pos + 2 > buf.length) return false;
        if (buf[pos] !== 0x0d || buf[pos + 1] !== 0x0a) throw invalidRequest('The multipart body is malformed: a boundary line does not end in CRLF.', null, 'invalid_multipart');
        buf = buf.subarray(pos + 2);
        parts++;
        state = 'headers';
        return true;
      }
      case 'headers': {
        const end = buf.indexOf(HEADER_END);
        if (end < 0 ? buf.length > MAX_PART_HEADER_BYTES + HEADER_END.length : end > MAX_PART_HEADER_BYTES) {
          throw invalidRequest('The multipart body is malformed: a part has no end of headers (or headers past 8 KiB).', null, 'invalid_multipart');
        }
        if (end < 0) return false;
        const text = buf.subarray(0, end).toString('utf8');
        buf = buf.subarray(end + HEADER_END.length);
        part = await openPart(text);
        state = 'body';
        return true;
      }
      case 'body': {
        const at = buf.indexOf(partEnd);
        if (at < 0) {
          // All but the bytes that could begin the delimiter are the part's.
          const safe = buf.length - partEnd.length + 1;
          if (safe > 0) {
            await emit(buf.subarray(0, safe));
            buf = buf.subarray(safe);
          }
          return false;
        }
        await emit(buf.subarray(0, at));
        finishPart();
        buf = buf.subarray(at + partEnd.length);
        state = 'boundary';
        return true;
      }
      case 'done':
        return false;
    }
  };

  for await (const data of body) {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    received += chunk.length;
    if (received > options.limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    if (state === 'done') continue;
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (await step());
  }
  if (state === 'preamble') throw invalidRequest('The multipart body has no part: its boundary never occurs.', null, 'invalid_multipart');
  if (state !== 'done') throw invalidRequest('The multipart body is truncated: the closing boundary is missing.', null, 'invalid_multipart');
  return form;
}
