import { createWriteStream, type WriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { finished } from 'node:stream/promises';
import { errorCodes, type FastifyInstance } from 'fastify';
import { writeAll } from '../../util/atomic-write.ts';
import { invalidRequest } from '../api-error.ts';
import type { FileObject, FileStore } from './file-store.ts';
import { multipartBoundary } from './multipart.ts';
import { readMultipartStream } from './multipart-stream.ts';
import { listQuery, paginate } from './pagination.ts';

/** The purposes OpenAI's upload accepts; the server stores them all alike. */
const PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];
/** Longest file name kept (OpenAI's own limit is of this order); longer is a 400, not a silent cut. */
const MAX_FILENAME = 255;

/**
 * OpenAI's Files API over the file store: `POST /v1/files` (multipart upload, fields `file` and `purpose`),
 * `GET /v1/files`, `GET/DELETE /v1/files/{file_id}` and `GET /v1/files/{file_id}/content`. Registered in its own
 * scope so that the multipart body goes unread to the upload route only, which streams it to disk within
 * `uploadLimit` bytes (413 as soon as the announced length or the bytes received pass it).
 */
export async function registerFileRoutes(app: FastifyInstance, files: FileStore, uploadLimit: number): Promise<void> {
  await app.register(async (scope) => {
    // The body is not read here: the route streams it to disk as it arrives.
    scope.addContentTypeParser('multipart/form-data', (_request, payload, done) => done(null, { stream: payload }));
    scope.post('/v1/files', async (request, reply) => {
      const boundary = multipartBoundary(request.headers['content-type']);
      const stream = (request.body as { stream?: IncomingMessage } | undefined)?.stream;
      if (boundary === null || stream === undefined) {
        throw invalidRequest('Upload the file as multipart/form-data with the fields "file" and "purpose".', 'file', 'invalid_multipart');
      }
      try {
        if (Number(request.headers['content-length']) > uploadLimit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
        // Read without destroying the request when reading stops early, so that a refusal still gets its answer.
        return await receiveUpload(files, stream.iterator({ destroyOnReturn: false }), boundary, uploadLimit);
      } catch (err) {
        if (!stream.readableEnded) closeAfterAnswer(stream, reply.raw);
        throw err;
      }
    });
  });

  app.get('/v1/files', async (request) => {
    const q = request.query as Record<string, unknown>;
    const purpose = typeof q.purpose === 'string' && q.purpose !== '' ? q.purpose : undefined;
    return paginate(await files.list(purpose), listQuery(q, 10_000, 10_000));
  });
  app.get('/v1/files/:file_id', async (request) => files.get((request.params as { file_id: string }).file_id));
  app.get('/v1/files/:file_id/content', async (request, reply) => {
    const id = (request.params as { file_id: string }).file_id;
    const data = await files.content(id);
    return reply.header('content-type', 'application/octet-stream').send(data);
  });
  app.delete('/v1/files/:file_id', async (request) => {
    const id = (request.params as { file_id: string }).file_id;
    await files.delete(id);
    return { id, object: 'file', deleted: true };
  });
}

/** How long a connection refused mid-body is still read from, so that its answer reaches the client. */
const LINGER_MS = 2000;

/**
 * A refusal before the body was read whole (too large, a broken form, an early 400): no more of it is stored, and
 * the connection ends after the answer. Until then, and briefly after, what still arrives is read and dropped:
 * closing a socket with unread bytes resets the connection, and a client still sending would lose the answer.
 */
function closeAfterAnswer(body: IncomingMessage, response: ServerResponse): void {
  body.resume();
  response.once('finish', () => {
    body.socket.end();
    setTimeout(() => body.socket.destroy(), LINGER_MS).unref();
  });
}

/**
 * Receives an upload: the file part is written to a folder of its own as it arrives (the size limit checked as
 * bytes come) and published under its id only once it is whole and the form is valid; whatever goes wrong (a
 * refused form, too many bytes, a client that goes away) leaves nothing behind.
 */
async function receiveUpload(files: FileStore, body: AsyncIterable<Buffer>, boundary: string, limit: number): Promise<FileObject> {
  const upload = await files.begin();
  let out: WriteStream | undefined;
  try {
    const form = await readMultipartStream(body, boundary, {
      fileField: 'file',
      limit,
      openFile: async () => {
        const stream = createWriteStream(upload.contentPath);
        out = stream;
        return { write: (bytes) => writeAll(stream, bytes) };
      },
    });
    if (out) {
      out.end();
      await finished(out);
    }
    const purpose = form.fields.get('purpose');
    if (purpose === undefined) throw invalidRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
    if (!PURPOSES.includes(purpose)) {
      throw invalidRequest(`Invalid value for 'purpose': ${JSON.stringify(purpose)}; expected one of ${PURPOSES.join(', ')}.`, 'purpose', 'invalid_value');
    }
    if (!form.file) throw invalidRequest("Missing required parameter: 'file' (a multipart part with a file name).", 'file', 'missing_required_parameter');
    const filename = form.file.filename.replace(/^.*[\\/]/, '');
    if (filename === '' || filename.length > MAX_FILENAME) {
      throw invalidRequest(`Invalid file name: it must have 1 to ${MAX_FILENAME} characters.`, 'file', 'invalid_value');
    }
    return await upload.commit({ filename, purpose, expiresAfterSeconds: expiresAfter(form.fields) });
  } catch (err) {
    out?.destroy();
    await upload.abort();
    throw err;
  }
}

/** `expires_after[anchor]=created_at` and `expires_after[seconds]=N` (3600..2592000), as OpenAI takes them. */
function expiresAfter(fields: Map<string, string>): number | undefined {
  const anchor = fields.get('expires_after[anchor]');
  const seconds = fields.get('expires_after[seconds]');
  if (anchor === undefined && seconds === undefined) return undefined;
  if (anchor !== 'created_at') throw invalidRequest("Invalid 'expires_after[anchor]': expected 'created_at'.", 'expires_after.anchor', 'invalid_value');
  const n = Number(seconds);
  if (!Number.isInteger(n) || n < 3600 || n > 2_592_000) {
    throw invalidRequest("Invalid 'expires_after[seconds]': expected an integer from 3600 (one hour) to 2592000 (30 days).", 'expires_after.seconds', 'invalid_value');
  }
  return n;
}
