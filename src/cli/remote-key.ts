/**
 * The key the CLI hands to remote (URL#model) encoders: $EMBEDKIT_REMOTE_API_KEY, if set. The library takes the key
 * as an option; reading the environment is the shell's job.
 */
export function remoteApiKey(): string | undefined {
  return process.env.EMBEDKIT_REMOTE_API_KEY || undefined;
}
