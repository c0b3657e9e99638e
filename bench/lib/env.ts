/** A comma list from an environment variable (or the fallback), every item checked against `allowed`. */
export function envList<T extends string>(env: string | undefined, fallback: T[], allowed: readonly T[]): T[] {
  const items = env ? (env.split(',').map((x) => x.trim()).filter(Boolean) as T[]) : fallback;
  for (const x of items) if (!allowed.includes(x)) throw new Error(`unknown value ${x}; expected ${allowed.join(', ')}`);
  return items;
}

/** A difference with its sign: +0.0123 / -0.0040. */
export function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
}
