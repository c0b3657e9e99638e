import type { FastifyInstance, FastifyReply } from 'fastify';
import { invalidRequest } from '../api-error.ts';
import { listQuery, paginate } from './pagination.ts';
import { batchObject, vectorStoreFileObject, vectorStoreObject, type FileStatus } from './objects.ts';
import type { VectorStoreRegistry } from './registry.ts';
import {
  attachFileRequest,
  attributesFrom,
  chunkingFrom,
  createBatchRequest,
  createStoreRequest,
  parseBody,
  updateFileRequest,
  updateStoreRequest,
} from './requests.ts';
import { searchStore } from './search.ts';

/** How soon the SDK's poll helpers (createAndPoll) ask again while a file is in progress. */
const POLL_AFTER_MS = '100';

type Params = { vector_store_id: string; file_id: string; batch_id: string };

/**
 * OpenAI's vector-stores API: stores, their files and file batches, and search. Every unknown id is a 404 in
 * OpenAI's error shape; list routes page as the SDK's cursor pages expect (`limit`, `after`, `before`, `order`).
 */
export function registerVectorStoreRoutes(app: FastifyInstance, stores: VectorStoreRegistry): void {
  const base = '/v1/vector_stores';

  app.post(base, async (request) => {
    const body = parseBody(createStoreRequest, request.body);
    const chunking = chunkingFrom(body.chunking_strategy);
    const record = await stores.create({
      name: body.name ?? '',
      description: body.description ?? null,
      metadata: body.metadata ?? null,
      expires_after: body.expires_after ?? null,
    });
    if (body.file_ids?.length) {
      try {
        await stores.attach(record.id, body.file_ids.map((fileId) => ({ fileId, attributes: null, chunking })));
      } catch (err) {
        // An unknown file id: no half-made store is left behind.
        await stores.delete(record.id);
        throw err;
      }
    }
    return vectorStoreObject(record, stores.now());
  });
  app.get(base, async (request) => {
    const page = paginate(await stores.list(), listQuery(request.query));
    return { ...page, data: page.data.map((r) => vectorStoreObject(r, stores.now())) };
  });
  app.get(`${base}/:vector_store_id`, async (request) => vectorStoreObject(await stores.get(p(request).vector_store_id), stores.now()));
  app.post(`${base}/:vector_store_id`, async (request) => {
    const id = p(request).vector_store_id;
    await stores.get(id);
    const body = parseBody(updateStoreRequest, request.body);
    const fields: Parameters<VectorStoreRegistry['update']>[1] = {};
    if (body.name !== undefined) fields.name = body.name ?? '';
    if (body.metadata !== undefined) fields.metadata = body.metadata;
    if (body.expires_after !== undefined) fields.expires_after = body.expires_after;
    return vectorStoreObject(await stores.update(id, fields), stores.now());
  });
  app.delete(`${base}/:vector_store_id`, async (request) => {
    const id = p(request).vector_store_id;
    await stores.delete(id);
    return { id, object: 'vector_store.deleted', deleted: true };
  });

  // Files of a store.
  app.post(`${base}/:vector_store_id/files`, async (request) => {
    const id = p(request).vector_store_id;
    await stores.active(id);
    const body = parseBody(attachFileRequest, request.body);
    const [file] = await stores.attach(id, [{ fileId: body.file_id, attributes: attributesFrom(body.attributes), chunking: chunkingFrom(body.chunking_strategy) }]);
    return vectorStoreFileObject(id, file);
  });
  app.get(`${base}/:vector_store_id/files`, async (request) => {
    const id = p(request).vector_store_id;
    const files = filterByStatus(await stores.listFiles(id), request.query);
    const page = paginate(files, listQuery(request.query));
    return { ...page, data: page.data.map((f) => vectorStoreFileObject(id, f)) };
  });
  app.get(`${base}/:vector_store_id/files/:file_id`, async (request, reply) => {
    const { vector_store_id: id, file_id: fileId } = p(request);
    const file = await stores.getFile(id, fileId);
    pollHint(reply, file.status);
    return vectorStoreFileObject(id, file);
  });
  app.post(`${base}/:vector_store_id/files/:file_id`, async (request) => {
    const { vector_store_id: id, file_id: fileId } = p(request);
    await stores.getFile(id, fileId);
    const body = parseBody(updateFileRequest, request.body);
    return vectorStoreFileObject(id, await stores.updateFile(id, fileId, attributesFrom(body.attributes)));
  });
  app.get(`${base}/:vector_store_id/files/:file_id/content`, async (request) => {
    const { vector_store_id: id, file_id: fileId } = p(request);
    await stores.getFile(id, fileId);
    const passages = await (await stores.collection(id)).passages([fileId]);
    return {
      object: 'vector_store.file_content.page',
      data: passages.filter((c) => c.docId === fileId).map((c) => ({ type: 'text', text: c.text })),
      has_more: false,
      next_page: null,
    };
  });
  app.delete(`${base}/:vector_store_id/files/:file_id`, async (request) => {
    const { vector_store_id: id, file_id: fileId } = p(request);
    await stores.detachFile(id, fileId);
    return { id: fileId, object: 'vector_store.file.deleted', deleted: true };
  });

  // File batches.
  app.post(`${base}/:vector_store_id/file_batches`, async (request) => {
    const id = p(request).vector_store_id;
    await stores.active(id);
    const body = parseBody(createBatchRequest, request.body);
    const sharedAttributes = attributesFrom(body.attributes);
    const sharedChunking = chunkingFrom(body.chunking_strategy);
    const requests = body.files
      ? body.files.map((f) => ({
          fileId: f.file_id,
          attributes: f.attributes !== undefined ? attributesFrom(f.attributes) : sharedAttributes,
          chunking: f.chunking_strategy !== undefined ? chunkingFrom(f.chunking_strategy) : sharedChunking,
        }))
      : body.file_ids!.map((fileId) => ({ fileId, attributes: sharedAttributes, chunking: sharedChunking }));
    const batch = await stores.createBatch(id, requests);
    const { files } = await stores.getBatch(id, batch.id);
    return batchObject(id, batch, files);
  });
  app.get(`${base}/:vector_store_id/file_batches/:batch_id`, async (request, reply) => {
    const { vector_store_id: id, batch_id: batchId } = p(request);
    const { batch, files } = await stores.getBatch(id, batchId);
    const object = batchObject(id, batch, files);
    pollHint(reply, object.status);
    return object;
  });
  app.post(`${base}/:vector_store_id/file_batches/:batch_id/cancel`, async (request) => {
    const { vector_store_id: id, batch_id: batchId } = p(request);
    const { batch, files } = await stores.cancelBatch(id, batchId);
    return batchObject(id, batch, files);
  });
  app.get(`${base}/:vector_store_id/file_batches/:batch_id/files`, async (request) => {
    const { vector_store_id: id, batch_id: batchId } = p(request);
    const files = filterByStatus((await stores.getBatch(id, batchId)).files, request.query);
    const page = paginate(files, listQuery(request.query));
    return { ...page, data: page.data.map((f) => vectorStoreFileObject(id, f)) };
  });

  app.post(`${base}/:vector_store_id/search`, async (request) => searchStore(stores, p(request).vector_store_id, request.body));
}

function p(request: { params: unknown }): Params {
  return request.params as Params;
}

function pollHint(reply: FastifyReply, status: string): void {
  if (status === 'in_progress') reply.header('openai-poll-after-ms', POLL_AFTER_MS);
}

const STATUSES: FileStatus[] = ['in_progress', 'completed', 'failed', 'cancelled'];

/** The list routes' `filter` query: only files with that status. */
function filterByStatus<T extends { status: FileStatus }>(files: T[], query: unknown): T[] {
  const filter = (query as { filter?: unknown } | undefined)?.filter;
  if (filter === undefined) return files;
  if (typeof filter !== 'string' || !STATUSES.includes(filter as FileStatus)) {
    throw invalidRequest(`Invalid 'filter': expected one of ${STATUSES.join(', ')}.`, 'filter');
  }
  return files.filter((f) => f.status === filter);
}
