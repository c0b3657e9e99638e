// Structural mutation of JSON request bodies: values of the wrong type, numbers past every bound, deep nesting,
// `__proto__` and `constructor` keys, duplicate keys, lone surrogates. The tree keeps raw text for what JSON.stringify
// cannot write (1e999, duplicate keys), so a mutant is any JSON text, valid or almost.

/** Text written as is (a number literal JSON.stringify would not produce, a truncated document). */
export class Raw {
  constructor(readonly text: string) {}
}

/** An object as its list of entries, so it may hold duplicate keys and a literal "__proto__" key. */
export class Obj {
  constructor(readonly entries: [string, Json][]) {}
}

export type Json = null | boolean | number | string | Raw | Obj | Json[];

export function fromValue(v: unknown): Json {
  if (Array.isArray(v)) return v.map(fromValue);
  if (v !== null && typeof v === 'object') return new Obj(Object.entries(v).map(([k, x]) => [k, fromValue(x)]));
  return v as Json;
}

export function serialize(v: Json): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Obj) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${serialize(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(serialize).join(',')}]`;
  return JSON.stringify(v);
}

function nested(depth: number, open: string, close: string, inner: string): Raw {
  return new Raw(open.repeat(depth) + inner + close.repeat(depth));
}

/** Values that break request handlers: every JSON type, bounds of integers and floats, sizes, odd strings. */
function interestingValue(random: () => number): Json {
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const depth = pick([64, 1000, 10_000, 100_000]);
  const choices: (() => Json)[] = [
    () => null,
    () => true,
    () => false,
    () => 0,
    () => -1,
    () => 1.5,
    () => -0,
    () => 2 ** 31,
    () => 2 ** 53 + 2,
    () => Number.MAX_VALUE,
    () => new Raw(pick(['1e999', '-1e999', '1e-999', '123456789012345678901234567890', '-0.0', '0e0', '1E+2'])),
    () => '',
    () => ' ',
    () => 'king',
    () => '\ud800',
    () => '\u0000',
    () => 'x'.repeat(pick([100, 10_000, 200_000])),
    () => 'king '.repeat(pick([100, 5000])),
    () => [],
    () => new Obj([]),
    () => ['king', 'queen'],
    () => [[1, 2], [3]],
    () => Array.from({ length: pick([3, 100, 3000]) }, (_, i) => i),
    () => Array.from({ length: pick([3, 100, 3000]) }, () => 'cat'),
    () => nested(depth, '[', ']', ''),
    () => nested(depth, '{"a":', '}', '1'),
    () => new Obj([['__proto__', new Obj([['model', 'tiny'], ['polluted', true]])]]),
    () => new Obj([['constructor', new Obj([['prototype', new Obj([['polluted', true]])]])]]),
  ];
  return pick(choices)();
}

/** Half the time an edge value of the same type as `current` (an empty string where a string was), else any. */
function replacementFor(current: Json, random: () => number): Json {
  if (random() < 0.5) return interestingValue(random);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  if (typeof current === 'string') return pick(['', ' ', '\ud800', '\u0000', 'x'.repeat(70_000), current + current, current.toUpperCase()]);
  if (typeof current === 'number') return pick<Json>([0, -1, 1.5, -0, current + 1, current * 1000, 2 ** 31, 2 ** 53 + 2, new Raw('1e999'), new Raw('-1e999')]);
  if (Array.isArray(current)) return pick<Json>([[], [...current, ...current], current.slice(1), Array.from({ length: 2049 }, () => current[0] ?? null)]);
  return interestingValue(random);
}

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'model', 'input', 'words', 'dimensions', 'encoding_format', 'neighbours', 'method', ''];

/** Every container in the tree with the way to replace its child: the places a structural edit can go. */
function slots(v: Json, out: { get: () => Json; set: (x: Json) => void; parent: Obj | Json[] }[] = []) {
  if (v instanceof Obj) {
    for (const entry of v.entries) {
      out.push({ get: () => entry[1], set: (x) => (entry[1] = x), parent: v });
      slots(entry[1], out);
    }
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      out.push({ get: () => v[i], set: (x) => (v[i] = x), parent: v });
      slots(v[i], out);
    }
  }
  return out;
}

function clone(v: Json): Json {
  if (v instanceof Obj) return new Obj(v.entries.map(([k, x]) => [k, clone(x)]));
  if (Array.isArray(v)) return v.map(clone);
  return v;
}

/** One to three structural edits of `body`: replace, wrap, drop, duplicate or add a key, swap a type. */
export function mutateJson(body: Json, random: () => number): Json {
  const root: Json[] = [clone(body)];
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  // Mostly one edit: a body one step from valid reaches the handler's code, past the schema's checks.
  const edits = random() < 0.6 ? 1 : 2 + Math.floor(random() * 2);
  for (let e = 0; e < edits; e++) {
    const places = slots(root);
    const slot = pick(places);
    const value = slot.get();
    switch (Math.floor(random() * 9)) {
      case 0:
      case 1:
      case 8:
        slot.set(replacementFor(value, random));
        break;
      case 2:
        slot.set(random() < 0.5 ? [value] : new Obj([['value', value]]));
        break;
      case 3:
        // A number as a string, a string as a number, a list as its first element.
        slot.set(typeof value === 'number' ? String(value) : typeof value === 'string' ? Number(value.length) : Array.isArray(value) ? (value[0] ?? null) : value);
        break;
      case 4: {
        const parent = slot.parent;
        if (parent instanceof Obj && parent.entries.length > 0) parent.entries.splice(Math.floor(random() * parent.entries.length), 1);
        else if (Array.isArray(parent) && parent !== root && parent.length > 0) parent.splice(Math.floor(random() * parent.length), 1);
        break;
      }
      case 5: {
        const parent = slot.parent;
        if (parent instanceof Obj) parent.entries.push([pick(KEYS), interestingValue(random)]);
        else if (parent !== root) parent.push(interestingValue(random));
        break;
      }
      case 6: {
        // The same key twice: JSON.parse keeps the last, a validator may have looked at the first.
        const parent = slot.parent;
        if (parent instanceof Obj && parent.entries.length > 0) {
          const [k] = pick(parent.entries);
          parent.entries.push([k, interestingValue(random)]);
        }
        break;
      }
      default:
        root[0] = random() < 0.5 ? interestingValue(random) : root[0];
    }
  }
  return root[0];
}
