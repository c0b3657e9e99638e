import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Real documents every Debian system has: the licence texts of base-files. */
export const LICENSE_DIR = '/usr/share/common-licenses';

export interface LicenseDoc {
  name: string;
  data: Buffer;
  /** Attributes attached in the tests: facts about each licence, of the three attribute types. */
  attributes: { spdx: string; copyleft: boolean; year: number };
}

const FACTS: Array<[string, boolean, number]> = [
  ['Apache-2.0', false, 2004],
  ['BSD', false, 1990],
  ['CC0-1.0', false, 2009],
  ['GFDL-1.3', true, 2008],
  ['GPL-3', true, 2007],
  ['LGPL-3', true, 2007],
  ['MPL-2.0', true, 2012],
  ['Artistic', false, 1989],
];

export function licenseDocs(): LicenseDoc[] {
  return FACTS.map(([name, copyleft, year]) => ({ name, data: readFileSync(join(LICENSE_DIR, name)), attributes: { spdx: name, copyleft, year } }));
}
