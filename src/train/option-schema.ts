import { z } from 'zod';
import { InvalidArgumentError } from '../errors.ts';

/**
 * One option schema per trainer: each setting is declared once, with its zod type, what an error says it
 * expects, its default, its help text, whether a checkpoint records it, and how the command line spells it.
 * From that declaration come the defaults and validation (resolveOptions), the checkpoint settings
 * (checkpointSettings), and, in the CLI, the flags, their aliases and their --help text. Errors name the
 * library option (`minCount must be ...`); the CLI maps the name to its flag.
 */

/** How the command line spells an option (the CLI derives its flags from this). */
export interface CliSpelling {
  /** Kebab-case flag name when it is not the option's name in kebab case. */
  flag?: string;
  /** Other spellings accepted for the same option (the reference tools' names), hidden from --help. */
  aliases?: string[];
  /** Placeholder of the value in --help (default `<n>` for numbers, `<value>` otherwise). */
  value?: string;
  /** Not offered on the command line. */
  omit?: boolean;
}

/** The value's type, in the terms a command line parses it (the CLI picks its parser and placeholder from it). */
export type ValueKind =
  | { type: 'int'; min: number }
  | { type: 'number'; positive: boolean }
  | { type: 'boolean' }
  | { type: 'enum'; choices: readonly string[] }
  | { type: 'string' };

export interface OptionDef<T> {
  schema: z.ZodType<T>;
  kind: ValueKind;
  /** What a valid value is, for errors: "an integer in 1..10000". */
  expect: string;
  /** Default value, or how to compute it from the options resolved before this one. */
  default?: T | ((resolved: Record<string, unknown>) => T);
  /** One line for --help and the API docs. */
  help: string;
  /** A run resumed from a checkpoint must have the same value. */
  checkpoint?: boolean;
  /** A message for a value that needs more explanation than `expect` (e.g. a supervised-only loss). */
  explain?: (value: unknown) => string | undefined;
  cli?: CliSpelling;
  /** The option's name in the reference tool's own files (fastText's .bin args), when it has one. */
  reference?: string;
}

export type OptionDefs = Record<string, OptionDef<unknown>>;

/** The options with every default applied. Options without a default may stay undefined. */
export type Resolved<D extends OptionDefs> = { [K in keyof D]: D[K] extends { schema: z.ZodType<infer T> } ? T : never };

/** What a caller may pass: any subset of the options. */
export type Given<D extends OptionDefs> = { [K in keyof D]?: D[K] extends { schema: z.ZodType<infer T> } ? T : never };

/** A value refused by a trainer's schema; `option` is the library option's name (the CLI names its flag). */
export class OptionError extends InvalidArgumentError {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

export const int = (min: number, max?: number) => ({
  kind: { type: 'int', min } as ValueKind,
  schema: z.number().int().min(min).max(max ?? Number.MAX_SAFE_INTEGER),
  expect: max === undefined ? `an integer ≥ ${min}` : `an integer in ${min}..${max}`,
});
export const number = (what: 'positive' | 'nonNegative') => ({
  kind: { type: 'number', positive: what === 'positive' } as ValueKind,
  schema: what === 'positive' ? z.number().positive().finite() : z.number().nonnegative().finite(),
  expect: what === 'positive' ? 'a number > 0' : 'a number ≥ 0',
});
export const fraction = () => ({ kind: { type: 'number', positive: false } as ValueKind, schema: z.number().min(0).lt(1), expect: 'a number in [0, 1)' });
export const bool = () => ({ kind: { type: 'boolean' } as ValueKind, schema: z.boolean(), expect: 'true or false' });
export const oneOf = <T extends string>(values: readonly [T, ...T[]]) => ({
  kind: { type: 'enum', choices: values } as ValueKind,
  schema: z.enum(values) as unknown as z.ZodType<T>,
  expect: values.length === 2 ? `${values[0]} or ${values[1]}` : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`,
});
/** An option without a default: undefined unless given. */
export const optional = <T>(d: { kind: ValueKind; schema: z.ZodType<T>; expect: string }) => ({ kind: d.kind, schema: d.schema.optional() as z.ZodType<T | undefined>, expect: d.expect });
export const text = () => ({ kind: { type: 'string' } as ValueKind, schema: z.string(), expect: 'a string' });

/** Declares a trainer's options (the object's key order is the order defaults are computed in). */
export function defineOptions<D extends OptionDefs>(defs: D): D {
  return defs;
}

const shown = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * Applies the defaults and validates every option with its zod schema, refusing the first bad one with an
 * OptionError naming it. Keys that are not options are left to the caller (input, output, signal, ...).
 */
export function resolveOptions<D extends OptionDefs>(defs: D, given: Record<string, unknown>): Resolved<D> {
  const out: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(defs)) {
    const raw = given[name];
    if (raw === undefined) {
      out[name] = typeof def.default === 'function' ? (def.default as (r: Record<string, unknown>) => unknown)(out) : def.default;
      continue;
    }
    const special = def.explain?.(raw);
    if (special) throw new OptionError(name, special);
    const parsed = def.schema.safeParse(raw);
    if (!parsed.success) throw new OptionError(name, `${name} must be ${def.expect}, got ${shown(raw)}`);
    out[name] = parsed.data;
  }
  return out as Resolved<D>;
}

/** The settings a checkpoint records (those a resumed run must share), in declaration order. */
export function checkpointSettings<D extends OptionDefs>(defs: D, resolved: Resolved<D>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(defs).filter((k) => defs[k].checkpoint).map((k) => [k, resolved[k as keyof D]]));
}

/** The default as --help shows it ("" when it is computed or absent). */
export function defaultText(def: OptionDef<unknown>): string {
  return def.default === undefined || typeof def.default === 'function' ? '' : String(def.default);
}

/** The resolved options under their reference-tool names (options without one are left out). */
export function referenceArgs<D extends OptionDefs>(defs: D, resolved: Resolved<D>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(defs).filter((k) => defs[k].reference).map((k) => [defs[k].reference!, resolved[k as keyof D]]));
}
