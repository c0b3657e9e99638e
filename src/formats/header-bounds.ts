import { FormatError } from '../errors.ts';

/**
 * Checks a "rows dim" header before anything is allocated or read on its word: a damaged or hostile header must
 * end in a FormatError, never in an allocation that throws a bare RangeError or a read that aborts the process.
 */

/** No embedding has more dimensions than this (one row is 64 MiB of float32); larger is a damaged header. */
export const MAX_DIM = 1 << 24;
/** Up to this dimension one row is cheap to allocate, so the header is taken at its word until the data disagrees. */
const CHEAP_DIM = 1 << 16;
/** Deflate expands at most ~1032-fold: the largest decompressed size a gzip file of a given size can have. */
const GZIP_MAX_RATIO = 1032;

export interface HeaderBoundsInput {
  file: string;
  rows: number;
  dim: number;
  /** Size of the file on disk in bytes. */
  fileSize: number;
  gzip: boolean;
  /** The fewest bytes one row can take in this format (word, separators and values). */
  minRowBytes: (dim: number) => number;
}

/** Throws a FormatError (line 1) unless the header's counts are exact integers and one row of `dim` can be in the file. */
export function checkHeaderBounds({ file, rows, dim, fileSize, gzip, minRowBytes }: HeaderBoundsInput): void {
  const fail = (message: string) => new FormatError(message, { file, line: 1 });
  if (!Number.isSafeInteger(rows)) throw fail(`expected a row count below 2^53 in the header, found ${rows}`);
  if (!Number.isSafeInteger(dim) || dim < 1) throw fail(`expected a dimension ≥ 1 in the header, found ${dim}`);
  if (dim > MAX_DIM) throw fail(`expected a dimension of at most ${MAX_DIM} in the header, found ${dim} (is the header damaged?)`);
  if (rows === 0 || dim <= CHEAP_DIM) return;
  const rowBytes = minRowBytes(dim);
  const room = gzip ? fileSize * GZIP_MAX_RATIO : fileSize;
  if (rowBytes > room) {
    const size = gzip ? `a gzip file of ${fileSize} bytes holds at most ${room} bytes` : `the file has ${fileSize} bytes`;
    throw fail(`the header's dimension ${dim} needs at least ${rowBytes} bytes per row, but ${size} (is the header damaged?)`);
  }
}
