import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import ts from 'typescript';
import { startServer, staticModel, type RunningServer } from '../../src/serve/index.ts';
import { exampleDir, fixtureEmbeddings, rewriteImports, root, runExample, typeCheckExamples } from './examples-harness.ts';

// Every function and class the package exports carries a TSDoc `@example`, and every example runs (each in a fresh
// copy of the fixture directory, all in one process) and type-checks against the public API.

const ENTRY_FILES = ['src/index.ts', 'src/train/index.ts', 'src/encoders/index.ts', 'src/search/index.ts', 'src/serve/index.ts', 'src/viz/index.ts', 'src/apps/index.ts'];

interface PublicValue {
  entry: string;
  name: string;
  examples: string[];
}

/** The exported functions and classes of every entry point with the code of their `@example` blocks. */
function publicValues(): PublicValue[] {
  const files = ENTRY_FILES.map((f) => join(root, f));
  const program = ts.createProgram(files, { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, allowImportingTsExtensions: true, noEmit: true, strict: true, skipLibCheck: true, types: ['node'] });
  const checker = program.getTypeChecker();
  const out: PublicValue[] = [];
  for (const [i, file] of files.entries()) {
    for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!)) {
      // Classes exported as types only (e.g. FastTextSubwords, reached through a model) are not called by users.
      const spec = exported.declarations?.[0];
      if (spec && ts.isExportSpecifier(spec) && (spec.isTypeOnly || spec.parent.parent.isTypeOnly)) continue;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = symbol.declarations?.find((d) => ts.isFunctionDeclaration(d) || ts.isClassDeclaration(d));
      if (!decl) continue; // types and constants
      // Error classes are documented by their one-line summary: there is nothing to run.
      if (ts.isClassDeclaration(decl) && /Error$/.test(exported.name)) continue;
      const examples = ts
        .getJSDocTags(decl)
        .filter((t) => t.tagName.text === 'example')
        .map((t) => ts.getTextOfJSDocComment(t.comment) ?? '')
        .map((text) => text.replace(/^\s*```(ts|typescript)?\n/, '').replace(/\n?```\s*$/, ''));
      out.push({ entry: ENTRY_FILES[i], name: exported.name, examples });
    }
  }
  return out;
}

const values = publicValues();
const examples = values.flatMap((v) => v.examples.map((code, k) => ({ id: `${v.name}${v.examples.length > 1 ? `#${k + 1}` : ''}`, code })));
let server: RunningServer;
let template = '';
const dirs: string[] = [];

before(async () => {
  server = await startServer({ models: [staticModel('en', await fixtureEmbeddings().prepare())], port: 0 });
  template = await exampleDir();
  dirs.push(template);
});
after(async () => {
  await server?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('every exported function and class has an @example', () => {
  assert.ok(values.length > 20, `found only ${values.length} exported functions and classes`);
  assert.deepEqual(values.filter((v) => v.examples.length === 0).map((v) => `${v.entry}: ${v.name}`), []);
});

test('the @examples type-check against the public API', () => {
  assert.equal(typeCheckExamples(examples.map((e) => e.code), template), '');
});

test('the @examples run', async () => {
  // One process runs them in turn, each module in its own copy of the fixture directory.
  const work = mkdtempSync(join(tmpdir(), 'embedkit-api-examples-'));
  dirs.push(work);
  const runs = examples.map((e, i) => {
    const file = join(work, `example-${i + 1}.mts`);
    writeFileSync(file, rewriteImports(e.code).replaceAll('http://127.0.0.1:8080', server.url));
    return { id: e.id, file };
  });
  const runner = `
import { cpSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const failed = [];
for (const [i, { id, file }] of ${JSON.stringify(runs)}.entries()) {
  const dir = ${JSON.stringify(work)} + '/dir-' + i;
  cpSync(${JSON.stringify(template)}, dir, { recursive: true, verbatimSymlinks: true });
  process.chdir(dir);
  try { await import(pathToFileURL(file).href); console.log('# ran ' + id); } catch (e) { failed.push(id + ': ' + (e?.stack ?? e)); }
}
if (failed.length) { console.error(failed.join('\\n\\n')); process.exit(1); }
`;
  const r = await runExample(runner, work);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter((l) => l.startsWith('# ran ')).map((l) => l.slice(6)), examples.map((e) => e.id));
});
