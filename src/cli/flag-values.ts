import { InvalidArgumentError } from '../errors.ts';

/**
 * Commander parsers for flag values, each naming its flag in the error. One place, so every command accepts and
 * refuses the same spellings.
 */

/** A finite number that passes `ok`; `what` says what was expected. */
export function numberFlag(flag: string, ok: (n: number) => boolean, what: string): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new InvalidArgumentError(`${flag} expects ${what}, got ${JSON.stringify(v)}`);
    return n;
  };
}

export const positiveInt = (flag: string) => numberFlag(flag, (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
export const nonNegativeInt = (flag: string) => numberFlag(flag, (n) => Number.isInteger(n) && n >= 0, 'an integer ≥ 0');
export const integer = (flag: string) => numberFlag(flag, Number.isInteger, 'an integer');
export const positiveNumber = (flag: string) => numberFlag(flag, (n) => n > 0, 'a number > 0');
export const nonNegativeNumber = (flag: string) => numberFlag(flag, (n) => n >= 0, 'a number ≥ 0');

/** The reference tools write switches as `-hs 1`, `-cbow 0`, `-symmetric 0`: they also take an explicit 0/1. */
export function switchValue(flag: string): (v: string) => boolean {
  return (v: string) => {
    const s = v.toLowerCase();
    if (s === '1' || s === 'true' || s === 'yes') return true;
    if (s === '0' || s === 'false' || s === 'no') return false;
    throw new InvalidArgumentError(`${flag} expects 0 or 1 (or nothing), got ${JSON.stringify(v)}`);
  };
}

/** The value of an option given under either of its two names (e.g. --dim and -size); both given and different is an error. */
export function aliased<T>(a: T | undefined, aName: string, b: T | undefined, bName: string): T | undefined {
  if (a !== undefined && b !== undefined && a !== b) throw new InvalidArgumentError(`--${aName} ${a} and --${bName} ${b} disagree (they are the same option)`);
  return a ?? b;
}
