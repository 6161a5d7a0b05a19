/**
 * Display names of the benchmark indices of index-enhanced funds, in the order the sell-side
 * tables list them; other indices are shown by their code and listed after these, by code.
 */
export const INDEX_FAMILY_NAMES: Readonly<Record<string, string>> = {
  '000300.SH': 'CSI 300',
  '000905.SH': 'CSI 500',
  '000852.SH': 'CSI 1000',
  '000510.SH': 'CSI A500',
  '399303.SZ': 'CNI 2000',
  '000906.SH': 'CSI 800',
  '932000.CSI': 'CSI 2000',
};

const ORDER = Object.keys(INDEX_FAMILY_NAMES);

/** The display name of an index family (`CSI 500`), or the code itself when none is known. */
export function indexFamilyName(code: string): string {
  return INDEX_FAMILY_NAMES[code] ?? code;
}

/** Sort order of index families: the known ones in {@link INDEX_FAMILY_NAMES} order, then the rest by code. */
export function compareFamilies(a: string, b: string): number {
  const ia = ORDER.indexOf(a);
  const ib = ORDER.indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? ORDER.length : ia) - (ib < 0 ? ORDER.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
