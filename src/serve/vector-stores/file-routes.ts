import type { FastifyInstance } from 'fastify';
import { invalidRequest } from '../api-error.ts';
import type { FileStore } from './file-store.ts';
import { multipartBoundary, parseMultipart } from './multipart.ts';
import { listQuery, paginate } from './pagination.ts';

/** The purposes OpenAI's upload accepts; the server stores them all alike. */
const PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];
/** Longest file name kept (OpenAI's own limit is of this order); longer is a 400, not a silent cut. */
const MAX_FILENAME = 255;

/**
 * OpenAI's Files API over the file store: `POST /v1/files` (multipart upload, fields `file` and `purpose`),
 * `GET /v1/files`, `GET/DELETE /v1/files/{file_id}` and `GET /v1/files/{file_id}/content`. Registered in its own
 * scope so that the multipart parser, and the larger body limit, apply to the upload route only.
 */
export async function registerFileRoutes(app: FastifyInstance, files: FileStore, uploadLimit: number): Promise<void> {
  await app.register(async (scope) => {
    scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: uploadLimit }, (_request, body, done) => done(null, body));
    scope.post('/v1/files', { bodyLimit: uploadLimit }, async (request) => {
      const boundary = multipartBoundary(request.headers['content-type']);
      if (boundary === null || !Buffer.isBuffer(request.body)) {
        throw invalidRequest('Upload the file as multipart/form-data with the fields "file" and "purpose".', 'file', 'invalid_multipart');
      }
      const form = parseMultipart(request.body, boundary);
      const purpose = form.fields.get('purpose');
      if (purpose === undefined) throw invalidRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
      if (!PURPOSES.includes(purpose)) {
        throw invalidRequest(`Invalid value for 'purpose': ${JSON.stringify(purpose)}; expected one of ${PURPOSES.join(', ')}.`, 'purpose', 'invalid_value');
      }
      const file = form.files.find((f) => f.field === 'file');
      if (!file) throw invalidRequest("Missing required parameter: 'file' (a multipart part with a file name).", 'file', 'missing_required_parameter');
      const filename = file.filename.replace(/^.*[\\/]/, '');
      if (filename === '' || filename.length > MAX_FILENAME) {
        throw invalidRequest(`Invalid file name: it must have 1 to ${MAX_FILENAME} characters.`, 'file', 'invalid_value');
      }
      return files.create(filename, purpose, file.data, expiresAfter(form.fields));
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
