// Child process for the stdin test: opens '-' and reads it twice, then reports what it saw as JSON.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openCorpus } from '../../../src/text/corpus.ts';

const spools = () => readdirSync(tmpdir()).filter((f) => f.startsWith(`embedkit-spool-${process.pid}-`));
const corpus = await openCorpus(process.argv[3] ?? '-');
const first: string[] = [];
for await (const line of corpus.lines()) first.push(line);
const spoolDuringRun = spools();
const second: string[] = [];
for await (const batch of corpus.lineBatches!()) second.push(...batch);
const bytes = { read: corpus.bytesRead, length: corpus.byteLength };
if (process.argv[2] === 'close') await corpus.close!();
process.stdout.write(JSON.stringify({ first, second, bytes, spoolDuringRun, spoolAfterClose: spools(), exists: spoolDuringRun.map((f) => existsSync(`${tmpdir()}/${f}`)) }));
