import { DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_WORD_BYTES } from '../formats/read-limits.ts';
import { defineOptions, int } from '../train/option-schema.ts';

/**
 * The readers' caps on one line and one word (formats/read-limits.ts), declared as the trainers' options are so
 * that their flags (--max-line-bytes, --max-word-bytes), help and defaults, and the rewording of errors that
 * name them, come from the same code (option-flags.ts). Every command that reads a vectors file offers them.
 */
export const readLimitOptions = defineOptions({
  maxLineBytes: { ...int(1), default: DEFAULT_MAX_LINE_BYTES, help: 'longest line a text vectors file may hold, in bytes (a longer one is refused as damage)' },
  maxWordBytes: { ...int(1), default: DEFAULT_MAX_WORD_BYTES, help: 'longest word a vectors file may hold, in bytes' },
});
