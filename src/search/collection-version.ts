import type { Table } from '@lancedb/lancedb';

/**
 * Commits made through this process's Collection objects, by collection: a search sees a write of its own process
 * at once, without asking the table for its version.
 */
const commitsInProcess = new Map<string, number>();

/**
 * The version of a collection's table as its searches see it: read from LanceDB (a manifest read), or trusted for
 * versionRecheckMs (OpenCollectionOptions) when no Collection of this process committed since.
 */
export class TableVersion {
  /** The table version last read, when (performance.now()), and this process's commit count then. */
  private seen: { version: number; at: number; commits: number } | undefined;

  constructor(
    private readonly table: Table,
    /** What commitsInProcess knows this collection by. */
    private readonly key: string,
    private readonly recheckMs: number,
  ) {}

  /**
   * The table version last read, while it can be trusted without asking LanceDB (no commit by this process since,
   * and read under versionRecheckMs ago); undefined when it must be read again.
   */
  known(): number | undefined {
    const seen = this.seen;
    if (seen === undefined || seen.commits !== (commitsInProcess.get(this.key) ?? 0) || performance.now() - seen.at >= this.recheckMs) return undefined;
    return seen.version;
  }

  /** The table's current version: the one known(), or read from the table. */
  async current(): Promise<number> {
    return this.known() ?? this.read();
  }

  /** Reads the table's version (a manifest read) and remembers it for known(). */
  async read(): Promise<number> {
    const commits = commitsInProcess.get(this.key) ?? 0;
    const version = await this.table.version();
    this.seen = { version, at: performance.now(), commits };
    return version;
  }

  /** The version last read (undefined before the first read or after forget). */
  get lastRead(): number | undefined {
    return this.seen?.version;
  }

  /** Forgets the version read: the next search reads it again. */
  forget(): void {
    this.seen = undefined;
  }

  /** Counts a commit of this process (made or attempted), which every Collection of this collection then reads. */
  committed(): void {
    commitsInProcess.set(this.key, (commitsInProcess.get(this.key) ?? 0) + 1);
  }
}
