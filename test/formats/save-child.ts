/**
 * Child process for the interrupted-save test: starts a long text save and, on SIGTERM, does what the CLI
 * does on a signal (remove the temporary files of writes in progress) before exiting.
 */
import { saveEmbeddings } from '../../src/formats/index.ts';
import { removeTemporaryFiles } from '../../src/util/atomic-write.ts';
import { sampleEmbeddings } from './vectors-helpers.ts';

process.on('SIGTERM', () => {
  removeTemporaryFiles();
  process.exit(143);
});
const words = Array.from({ length: 200_000 }, (_, i) => `w${i}`);
const emb = sampleEmbeddings(words, 100);
await saveEmbeddings(emb, process.argv[2], { format: 'word2vec-text' });
process.stdout.write('finished\n');
