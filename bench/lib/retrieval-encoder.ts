import { estimateCommonComponent, StaticEncoder, type Pooling } from '../../src/encoders/static.ts';
import type { VectorKind } from './en-mix-vectors.ts';

/**
 * The encoder of one retrieval row: mean pooling, or SIF with the first principal direction of the collection's
 * texts removed (Arora et al.'s common component, fitted on the documents, never on the queries).
 */
export function retrievalEncoder(emb: StaticEncoder['embeddings'], kind: VectorKind, pooling: Pooling, documents: readonly string[]): StaticEncoder {
  const id = `static:en-mix-${kind}-${pooling}`;
  if (pooling === 'mean') return new StaticEncoder(emb, { id, pooling });
  const weighted = new StaticEncoder(emb, { id, pooling });
  return new StaticEncoder(emb, { id, pooling, commonComponent: estimateCommonComponent(weighted, documents) });
}
