/**
 * Every failure embedkit reports on purpose is an EmbedkitError: it carries a stable `code` for programs
 * and, for input problems, where the problem is (file, line, byte) so the CLI can print a precise message.
 */
/** Where an input problem is; each field only when known. */
export interface ErrorLocation {
  /** The file's path as the caller gave it. */
  file?: string;
  /** 1-based line number (text formats). */
  line?: number;
  /** 0-based byte offset (binary formats). */
  byte?: number;
}

/** The base of every error embedkit throws on purpose; catch it to tell them from bugs. */
export class EmbedkitError extends Error {
  /** Stable machine-readable reason, e.g. `format_error`, `unknown_word`, `invalid_argument`, `missing_dependency`. */
  readonly code: string;
  /** Where in an input the problem is (empty when it is not about a file). */
  readonly location: ErrorLocation;

  constructor(code: string, message: string, location: ErrorLocation = {}) {
    super(formatLocated(message, location));
    this.name = 'EmbedkitError';
    this.code = code;
    this.location = location;
  }
}

/** A file does not have the shape its format promises. */
export class FormatError extends EmbedkitError {
  constructor(message: string, location: ErrorLocation = {}) {
    super('format_error', message, location);
    this.name = 'FormatError';
  }
}

/** A query names a word the vectors do not know (and cannot build from subwords). */
export class UnknownWordError extends EmbedkitError {
  /** The word that was asked for. */
  readonly word: string;
  constructor(word: string) {
    super('unknown_word', `word ${JSON.stringify(word)} is not in the vocabulary`);
    this.name = 'UnknownWordError';
    this.word = word;
  }
}

/** A caller passed an option or argument that cannot be honoured. */
export class InvalidArgumentError extends EmbedkitError {
  constructor(message: string) {
    super('invalid_argument', message);
    this.name = 'InvalidArgumentError';
  }
}

/**
 * A feature needs an optional package that is not installed (embedkit's core installs without the heavy native
 * ones: transformer models, Chinese segmentation, PNG plots). The message names the package and the command that
 * installs it.
 */
export class MissingDependencyError extends EmbedkitError {
  /** The npm package to install, e.g. `@huggingface/transformers`. */
  readonly packageName: string;
  constructor(packageName: string, message: string, options: { cause?: unknown } = {}) {
    super('missing_dependency', message);
    this.name = 'MissingDependencyError';
    this.packageName = packageName;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

function formatLocated(message: string, loc: ErrorLocation): string {
  const where: string[] = [];
  if (loc.file !== undefined) where.push(loc.file);
  if (loc.line !== undefined) where.push(`line ${loc.line}`);
  if (loc.byte !== undefined) where.push(`byte ${loc.byte}`);
  return where.length ? `${where.join(', ')}: ${message}` : message;
}
