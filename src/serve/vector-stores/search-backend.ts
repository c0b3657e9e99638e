import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Encoder } from '../../encoders/encoder.ts';
import { openCollection } from '../../search/collection.ts';
import { EncoderMismatchError } from '../../search/collection-record.ts';
import { ApiError } from '../api-error.ts';
import type { CollectionBackend, StoreCollection } from './backend.ts';

/**
 * Collections of `embedkit/search` (LanceDB) as the vector stores' backend. New stores embed with the server's
 * encoder; an existing collection made with another model is opened with its own recorded model (one made by a
 * server with another model records none: it is a 409 naming the encoder it needs).
 *
 * Hybrid search ranks with the library's default fusion, convex (alpha 0.3 on the cosine side), whose scores are
 * already in [0, 1], the range OpenAI's scores and `score_threshold` use: 1 is a passage both rankings put first,
 * 0.7 one that only the keyword ranking found, first there. No fusion is offered here, so none needs rescaling
 * (reciprocal-rank-fusion scores, at most 1 / 61, would).
 */
export function searchBackend(encoder: Encoder): CollectionBackend {
  return {
    async open(path: string, create: boolean): Promise<StoreCollection> {
      let collection;
      try {
        collection = await openCollection(path, { encoder, create });
      } catch (err) {
        if (!(err instanceof EncoderMismatchError)) throw err;
        collection = await openCollection(path, { create: false });
        if (collection.record.encoder.model === undefined) {
          // Made by a server with another model: nothing here can embed queries the way its passages were.
          const id = collection.record.encoder.id;
          await collection.close();
          throw new ApiError(409, `This vector store was embedded with ${id}, which this server does not embed with (it uses ${encoder.id}); serve it with that model.`, 'invalid_request_error', null, 'encoder_mismatch');
        }
      }
      const c = collection;
      return {
        add: async (docs, chunking) => {
          await c.add(docs, { chunking });
        },
        delete: async (ids) => {
          await c.delete(ids);
        },
        search: (query, options) => c.search(query, { k: options.k, hybrid: options.hybrid, filter: options.filter }),
        passages: (ids) => c.get(ids),
        fields: () => c.fields(),
        count: () => c.count(),
        close: () => c.close(),
      };
    },
    async isCollection(path: string): Promise<boolean> {
      // LanceDB keeps a table as the folder `<name>.lance`; embedkit's collections hold one table, `chunks`.
      return existsSync(join(path, 'chunks.lance'));
    },
  };
}
