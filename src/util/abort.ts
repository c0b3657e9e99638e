import { EmbedkitError } from '../errors.ts';

/**
 * Throws the `aborted` error once `signal` fired. `checkpoint` names the file the trainer saved its state to
 * on the way out, so the message says how to continue.
 */
export function throwIfAborted(signal: AbortSignal | undefined, checkpoint?: string): void {
  if (!signal?.aborted) return;
  if (!checkpoint) throw new EmbedkitError('aborted', 'training was interrupted; nothing was written', {});
  throw new EmbedkitError('aborted', `training was interrupted; its state is saved in ${checkpoint} (pass it as the resume option to continue); no output was written`, {});
}
