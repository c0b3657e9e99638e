// A separate process that ingests files into a collection, printing one line per commit ("committed DOCS") so a
// test can kill it mid-ingest or run two at once. Arguments: COLLECTION MODEL BATCH_SIZE FILES...
import { openCollection } from '../../src/search/index.ts';
import { ingestFiles } from '../../src/search/index.ts';

const [path, model, batch, ...files] = process.argv.slice(2);
const collection = await openCollection(path, { model, pooling: 'sif' });
const result = await ingestFiles(collection, files, {
  batchSize: Number(batch),
  chunking: { maxTokens: 40, overlapTokens: 10 },
  onProgress: (p) => process.stdout.write(`committed ${p.docs}\n`),
});
process.stdout.write(`done ${result.docs} ${result.skippedDocs} ${result.rows}\n`);
await collection.close();
