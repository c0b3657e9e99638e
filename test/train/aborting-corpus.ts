import type { Corpus } from '../../src/text/corpus.ts';

/** A corpus that aborts `controller` when pass number `pass` (1-based) reaches line `afterLines`. */
export function abortingCorpus(lines: string[], controller: AbortController, pass: number, afterLines: number): Corpus {
  let passes = 0;
  return {
    path: '<aborting>',
    async *lines() {
      passes++;
      for (let i = 0; i < lines.length; i++) {
        if (passes === pass && i === afterLines) controller.abort();
        yield lines[i];
      }
    },
  };
}
