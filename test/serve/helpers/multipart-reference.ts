import { invalidRequest } from '../../../src/serve/api-error.ts';
import { dispositionParam, MAX_FIELD_BYTES, MAX_PART_HEADER_BYTES, MAX_PARTS, parseHeaders } from '../../../src/serve/vector-stores/multipart.ts';

// The whole-body multipart/form-data parser the server used before uploads were streamed (multipart-stream.ts).
// It stays as the reference the streaming reader is held to: the same fields, files and refusals for any body.

/** One part of a multipart/form-data body that carried a file name. */
export interface UploadedPart {
  field: string;
  filename: string;
  contentType: string | null;
  data: Buffer;
}

export interface MultipartForm {
  /** Plain fields (no file name), decoded as UTF-8; a repeated field keeps its first value. */
  fields: Map<string, string>;
  files: UploadedPart[];
}

/**
 * Parses a whole multipart/form-data body (already bounded by the route's body limit). The parser is strict where
 * leniency would hide a broken upload: a part without Content-Disposition, a missing closing boundary, or too many
 * parts is a 400 naming what is wrong, never a silently shortened file.
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartForm {
  const delimiter = Buffer.from(`--${boundary}`);
  const form: MultipartForm = { fields: new Map(), files: [] };
  // The first delimiter may be preceded by a preamble, which is ignored (RFC 2046 §5.1.1).
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw invalidRequest('The multipart body has no part: its boundary never occurs.', null, 'invalid_multipart');
  for (let parts = 0; ; parts++) {
    pos += delimiter.length;
    // "--" right after a delimiter closes the body.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return form;
    if (parts >= MAX_PARTS) throw invalidRequest(`The multipart body has more than ${MAX_PARTS} parts.`, null, 'invalid_multipart');
    // Transport padding (spaces, tabs) may follow the delimiter before its CRLF.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw invalidRequest('The multipart body is malformed: a boundary line does not end in CRLF.', null, 'invalid_multipart');
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0 || headerEnd - pos > MAX_PART_HEADER_BYTES) {
      throw invalidRequest('The multipart body is malformed: a part has no end of headers (or headers past 8 KiB).', null, 'invalid_multipart');
    }
    const headers = parseHeaders(body.subarray(pos, headerEnd).toString('utf8'));
    const dataStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), dataStart);
    if (next < 0) throw invalidRequest('The multipart body is truncated: the closing boundary is missing.', null, 'invalid_multipart');
    const data = body.subarray(dataStart, next);
    pos = next + 2;

    const disposition = headers.get('content-disposition');
    const name = disposition ? dispositionParam(disposition, 'name') : null;
    if (!disposition || !/^form-data\b/i.test(disposition) || name === null) {
      throw invalidRequest('The multipart body is malformed: a part has no "Content-Disposition: form-data; name=..." header.', null, 'invalid_multipart');
    }
    const filename = dispositionParam(disposition, 'filename');
    if (filename !== null) {
      form.files.push({ field: name, filename, contentType: headers.get('content-type') ?? null, data });
    } else {
      if (data.length > MAX_FIELD_BYTES) throw invalidRequest(`The form field ${JSON.stringify(name)} is longer than ${MAX_FIELD_BYTES} bytes.`, name, 'invalid_multipart');
      if (!form.fields.has(name)) form.fields.set(name, data.toString('utf8'));
    }
  }
}

