import { InvalidArgumentError } from '../errors.ts';

/** The prefix that marks a model spec as a Hugging Face hub id: `hf:ORG/NAME[@revision]`. */
export const HUB_PREFIX = 'hf:';

/** A model on the hub, as a spec names it. */
export interface HubModelId {
  /** The owner: a user or an organisation. */
  org: string;
  /** The repository's name. */
  name: string;
  /** A branch, a tag or a commit id; `main` when the spec names none. */
  revision: string;
}

/** A path segment on the hub: letters, digits, '.', '_' and '-', not starting with a dot. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
/** Branches and tags may hold '/' (refs/pr/1); no segment may be '.' or '..'. */
const REVISION = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
/** A full commit id: immutable, so a cached copy needs no question to the hub. */
const COMMIT = /^[0-9a-f]{40}$/;

/**
 * True when `spec` names a hub model (`hf:ORG/NAME[@revision]`).
 * @example
 * ```ts
 * import { isHubSpec } from 'embedkit/encoders';
 * console.log(isHubSpec('hf:sentence-transformers/all-MiniLM-L6-v2'), isHubSpec('models/minilm')); // true false
 * ```
 */
export function isHubSpec(spec: string): boolean {
  return spec.startsWith(HUB_PREFIX);
}

/**
 * Reads `hf:ORG/NAME[@revision]`; anything else is an InvalidArgumentError saying the expected form.
 * @example
 * ```ts
 * import { parseHubSpec } from 'embedkit/encoders';
 * console.log(parseHubSpec('hf:BAAI/bge-small-en-v1.5@v1')); // { org: 'BAAI', name: 'bge-small-en-v1.5', revision: 'v1' }
 * ```
 */
export function parseHubSpec(spec: string): HubModelId {
  const expected = `expected ${HUB_PREFIX}ORG/NAME or ${HUB_PREFIX}ORG/NAME@REVISION`;
  if (!isHubSpec(spec)) throw new InvalidArgumentError(`${JSON.stringify(spec)} is not a hub model id (${expected})`);
  const body = spec.slice(HUB_PREFIX.length);
  const at = body.indexOf('@');
  const repo = at < 0 ? body : body.slice(0, at);
  const revision = at < 0 ? 'main' : body.slice(at + 1);
  const parts = repo.split('/');
  if (parts.length !== 2 || !parts.every((p) => SEGMENT.test(p))) throw new InvalidArgumentError(`${JSON.stringify(spec)}: ${expected}`);
  if (!REVISION.test(revision) || revision.split('/').some((s) => s === '.' || s === '..')) {
    throw new InvalidArgumentError(`${JSON.stringify(spec)}: ${JSON.stringify(revision)} is not a revision (a branch, a tag or a commit id)`);
  }
  return { org: parts[0], name: parts[1], revision };
}

/** True when `revision` is a full commit id. */
export function isCommitId(revision: string): boolean {
  return COMMIT.test(revision);
}

/** The spec in its canonical form, `ORG/NAME` plus `@revision` when it is not main (used in encoder ids and messages). */
export function hubModelName(id: HubModelId): string {
  return `${id.org}/${id.name}${id.revision === 'main' ? '' : `@${id.revision}`}`;
}
