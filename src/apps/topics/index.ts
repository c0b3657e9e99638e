// The topics application: this file re-exports its modules for src/apps/index.ts.
export { hdbscan, type HdbscanOptions, type HdbscanResult } from './hdbscan.ts';
