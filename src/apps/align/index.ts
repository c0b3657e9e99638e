// The align application: filled in by its own modules; this file re-exports them for src/apps/index.ts.
export {};
