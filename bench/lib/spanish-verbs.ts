import type { HeldOutForm } from '../../src/apps/index.ts';
import { readDictd } from '../../src/apps/align/dictd.ts';
import { seededRandom } from '../../src/util/random.ts';

/** Regular endings of the three Spanish conjugations (indicative, subjunctive, gerund, participles), after the stem. */
const ENDINGS: Record<'ar' | 'er' | 'ir', string[]> = {
  ar: 'o as a amos áis an aba abas ábamos abais aban é aste ó asteis aron aré arás ará aremos aréis arán aría arías aríamos aríais arían e es emos éis en ara aras áramos aran ase ando ado ada ados adas ad'.split(' '),
  er: 'o es e emos éis en ía ías íamos íais ían í iste ió imos isteis ieron eré erás erá eremos eréis erán ería erías eríamos erían a as amos áis an iera ieras iéramos ieran iese iendo ido ida idos idas ed'.split(' '),
  ir: 'o es e imos ís en ía ías íamos íais ían í iste ió isteis ieron iré irás irá iremos iréis irán iría irías iríamos irían a as amos áis an iera ieras iéramos ieran iese iendo ido ida idos idas id'.split(' '),
};

/**
 * Verb families of a Spanish corpus: the infinitives FreeDict's Spanish–English dictionary lists, each with its
 * regular forms that the corpus has (a form two verbs would share is left out). One attested form per family is
 * chosen (seeded) to be held out of training; the family is kept when at least two other forms occur `minCount`
 * times, so that the family has neighbours to be found.
 */
export function spanishVerbFamilies(counts: Map<string, number>, options: { minCount: number; families: number; seed: number; dictd?: string }): HeldOutForm[] {
  const infinitives = new Set<string>();
  for (const { headword } of readDictd(options.dictd ?? '/usr/share/dictd/freedict-spa-eng.index')) {
    const w = headword.normalize('NFC').toLowerCase();
    if (/^\p{L}+(ar|er|ir)$/u.test(w) && w.length > 4) infinitives.add(w);
  }
  const owners = new Map<string, string[]>();
  for (const inf of infinitives) {
    const stem = inf.slice(0, -2);
    for (const e of ENDINGS[inf.slice(-2) as 'ar' | 'er' | 'ir']) {
      const form = stem + e;
      if (counts.has(form)) owners.set(form, [...(owners.get(form) ?? []), inf]);
    }
    if (counts.has(inf)) owners.set(inf, [...(owners.get(inf) ?? []), inf]);
  }
  const byLemma = new Map<string, string[]>();
  for (const [form, lemmas] of owners) if (lemmas.length === 1) byLemma.set(lemmas[0], [...(byLemma.get(lemmas[0]) ?? []), form]);
  const random = seededRandom(options.seed);
  const out: HeldOutForm[] = [];
  for (const [, forms] of [...byLemma].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (forms.length < 3) continue;
    forms.sort();
    const heldOut = forms[Math.floor(random() * forms.length)];
    const rest = forms.filter((f) => f !== heldOut && counts.get(f)! >= options.minCount);
    if (rest.length >= 2) out.push({ heldOut, forms: rest });
  }
  // A seeded sample of the families, when there are more than wanted.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.slice(0, options.families);
}
