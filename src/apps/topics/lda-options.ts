import { z } from 'zod';
import { defineOptions, int, number, oneOf, optional, type ValueKind } from '../../train/option-schema.ts';

const positiveBelowOne = () => ({ kind: { type: 'number', positive: true } as ValueKind, schema: z.number().gt(0).max(1), expect: 'a number in (0, 1]' });

/**
 * Online LDA's options with gensim LdaModel's defaults (alpha and eta symmetric 1/K, decay 0.5, offset 1, chunks of
 * 2000 documents, one pass, at most 50 E-step iterations per document until γ changes by less than 0.001). The
 * number of topics has no gensim default worth keeping (100): it is asked for, 10 when not given.
 */
export const LDA_OPTIONS = defineOptions({
  topics: { ...int(1, 10_000), default: 10, help: 'number of topics K' },
  passes: { ...int(1), default: 1, help: 'passes over the documents' },
  chunksize: { ...int(1), default: 2000, help: 'documents per online update' },
  iterations: { ...int(1), default: 50, help: 'most E-step iterations per document' },
  gammaThreshold: { ...number('positive'), default: 0.001, help: 'E-step stops when γ\'s mean absolute change is below this' },
  decay: { ...positiveBelowOne(), default: 0.5, help: 'κ: weight of new chunks decays as (offset + t)^−κ (0.5 to 1 converges)' },
  offset: { ...number('positive'), default: 1, help: 'τ0: slows the first online updates down' },
  alpha: { ...optional(number('positive')), help: 'symmetric document-topic prior (default 1/K)' },
  eta: { ...optional(number('positive')), help: 'symmetric topic-word prior (default 1/K)' },
  seed: { ...int(0, 2 ** 32 - 1), default: 1, help: 'random seed: the same documents and seed give the same topics' },
  topn: { ...int(1), default: 10, help: 'keywords listed per topic' },
  kernel: {
    ...oneOf(['auto', 'native', 'reference'] as const),
    default: 'auto',
    help: "the E-step: native (native/lda.c) where it is built ('auto'), or one by name ('reference': the TypeScript one)",
    cli: { omit: true },
  },
});
