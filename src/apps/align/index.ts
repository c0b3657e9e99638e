// The align application: cross-lingual alignment of word vector spaces; this file re-exports its modules for
// src/apps/index.ts.
export { readDictd, type DictdEntry } from './dictd.ts';
