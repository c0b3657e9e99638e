// The layers of ARCHITECTURE.md ("Layers"), checked by `npm run lint` (dependency-cruiser over src/).
// Data moves one way: text → vocab → vectors → formats/eval → trainers/encoders → viz → serve → cli. A module may
// import its own layer and the ones below; util/ and errors.ts are below everything. Type-only imports count:
// a layer that knows another's types depends on it.
const ABOVE_VECTORS = '^src/(train|glove|encoders|search|apps|viz|serve|cli)/|^src/index\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: move the module to the layer it belongs to rather than adding indirection.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'kernels-import-nothing-above',
      severity: 'error',
      comment: 'Kernels are the bottom layer: no knowledge of vocabularies, vectors, files or anything built on them.',
      from: { path: '^src/kernels/' },
      to: { path: '^src/', pathNot: '^src/(kernels/|util/|errors\\.ts$)' },
    },
    {
      name: 'text-imports-nothing-above',
      severity: 'error',
      comment: 'Tokenizers and corpus streams come first; turning tokens into vocabulary rows is vocab/.',
      from: { path: '^src/text/' },
      to: { path: '^src/', pathNot: '^src/(text/|util/|errors\\.ts$)' },
    },
    {
      name: 'vocab-imports-only-text-and-kernels',
      severity: 'error',
      comment: 'The vocabulary sits on text (and may use kernels); vectors, formats and trainers sit on it.',
      from: { path: '^src/vocab/' },
      to: { path: '^src/', pathNot: '^src/(vocab/|text/|kernels/|util/|errors\\.ts$)' },
    },
    {
      name: 'vectors-below-formats-and-eval',
      severity: 'error',
      comment: 'Embeddings and their queries know no file format and no evaluation.',
      from: { path: '^src/vectors/' },
      to: { path: '^src/(formats|eval)/' },
    },
    {
      name: 'vectors-formats-eval-import-nothing-above',
      severity: 'error',
      comment: 'vectors, formats and eval never import train, encoders, search, apps, viz, serve or cli (nor the package entry).',
      from: { path: '^src/(vectors|formats|eval)/' },
      to: { path: ABOVE_VECTORS },
    },
    {
      name: 'search-sits-on-encoders',
      severity: 'error',
      comment:
        'Collections embed with encoders and search with kernels; they never reach the trainers, viz, the server or the CLI. ' +
        'The one exception is train/option-schema.ts, the generic option-schema helpers (zod and errors only), which search options share.',
      from: { path: '^src/search/' },
      to: { path: '^src/(train|glove|apps|viz|serve|cli)/|^src/index\\.ts$', pathNot: '^src/train/option-schema\\.ts$' },
    },
    {
      name: 'nothing-below-search-imports-it',
      severity: 'error',
      comment: 'search/ is above encoders and the trainers: they never know about collections.',
      from: { path: '^src/(kernels|text|vocab|vectors|formats|eval|encoders|train|glove)/' },
      to: { path: '^src/search/' },
    },
    {
      name: 'apps-sit-on-search-and-encoders',
      severity: 'error',
      comment:
        'Applications (topics, cross-lingual alignment, classification) compose vectors, encoders, collections, trainers and viz; ' +
        'they never reach the server or the CLI, and nothing below them imports them.',
      from: { path: '^src/(kernels|text|vocab|vectors|formats|eval|encoders|train|glove|search|viz)/' },
      to: { path: '^src/apps/' },
    },
    {
      name: 'library-never-imports-cli-or-serve',
      severity: 'error',
      comment: 'Library code (all of src/ but cli/ and serve/) never imports the CLI or the server: they are shells over it.',
      from: { path: '^src/', pathNot: '^src/(cli|serve)/' },
      to: { path: '^src/(cli|serve)/' },
    },
    {
      name: 'serve-never-imports-cli',
      severity: 'error',
      from: { path: '^src/serve/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'only-serve-imports-fastify',
      severity: 'error',
      comment: 'The HTTP framework is the server’s; the library and the CLI load it only through src/serve.',
      from: { path: '^src/', pathNot: '^src/serve/' },
      to: { path: 'node_modules/(fastify|@fastify/[^/]+)/' },
    },
    {
      name: 'only-cli-imports-commander',
      severity: 'error',
      comment: 'Flags and commands are the CLI’s; the library takes options.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: 'node_modules/commander/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/serve/public/' },
  },
};
