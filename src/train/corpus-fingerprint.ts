import { promises as fsp } from 'node:fs';
import type { Corpus } from '../text/corpus.ts';
import { crc32 } from '../util/crc32.ts';

/**
 * What a checkpoint records about its corpus, so a run resumed on another corpus is refused: the file's size
 * and a CRC-32 of sampled blocks (the whole file up to 1 MiB; beyond, 64 blocks of 16 KiB spread evenly from
 * the first byte to the last: about 1 MiB read, whatever the corpus's size, and any change of size, any
 * reordering or edit within the sampled blocks is seen).
 * Corpora that are not regular files (standard input, a pipe, lines in memory) cannot be read twice cheaply
 * and get no fingerprint (null); a checkpoint written on one resumes only on another such corpus.
 */
export interface CorpusFingerprint {
  bytes: number;
  sample: string;
}

const WHOLE_FILE = 1 << 20;
const BLOCKS = 64;
const BLOCK = 16 << 10;

export async function corpusFingerprint(corpus: Corpus): Promise<CorpusFingerprint | null> {
  const path = corpus.path;
  if (!path || path === '-') return null;
  // stat before open: opening a named pipe would block, or take the reader's place the corpus needs.
  const isFile = await fsp.stat(path).then((st) => st.isFile(), () => false); // '<memory>' and other names that are no file
  if (!isFile) return null;
  const handle = await fsp.open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    let crc = 0;
    const starts = size <= WHOLE_FILE ? [0] : Array.from({ length: BLOCKS }, (_, i) => Math.floor(((size - BLOCK) * i) / (BLOCKS - 1)));
    const length = size <= WHOLE_FILE ? size : BLOCK;
    const buf = Buffer.alloc(length);
    for (const start of starts) {
      const { bytesRead } = await handle.read(buf, 0, length, start);
      crc = crc32(buf.subarray(0, bytesRead), crc);
    }
    return { bytes: size, sample: crc.toString(16).padStart(8, '0') };
  } finally {
    await handle.close();
  }
}

/** How a fingerprint reads in a message. */
export function describeCorpus(f: CorpusFingerprint | null): string {
  return f ? `a corpus of ${f.bytes} bytes (sample checksum ${f.sample})` : 'a corpus that is not a file (standard input or lines in memory)';
}
