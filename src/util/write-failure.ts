import { EmbedkitError } from '../errors.ts';

/** Device errors a write can meet, in words: the disk (or the user's quota) is full, or the device failed. */
const DEVICE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exceeded',
  EIO: 'the device reported an input/output error',
  EFBIG: 'the file is larger than this file system allows',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

/**
 * The error to report when writing `target` failed with `err`: a system error (ENOSPC, EDQUOT, EIO, ...) becomes
 * an EmbedkitError naming the file and saying what was not written, never a raw errno message (or worse, an
 * unhandled 'error' event). EmbedkitErrors (an abort, a format problem) and bugs pass through unchanged.
 */
export function writeFailure(err: unknown, target: string, what: string, note = 'an earlier file there is left as it was, and no temporary file remains'): unknown {
  if (err instanceof EmbedkitError) return err;
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code !== 'string' || !/^E[A-Z]+$/.test(e.code)) return err;
  const reason = DEVICE_ERRORS[e.code] ?? e.message;
  const code = e.code === 'ENOSPC' || e.code === 'EDQUOT' ? 'disk_full' : 'io_error';
  return Object.assign(new EmbedkitError(code, `cannot write: ${reason} (${e.code}); ${what} was not written (${note})`, { file: target }), { cause: err });
}
