/** CSV text as RFC 4180 reads it (quoted cells with `""`, line breaks inside quotes), as records of cells. */
export function parseCsv(text: string): string[][];
/** A CSV file as its header and its rows keyed by the header's names. */
export function readCsvFile(file: string): { header: string[]; rows: Record<string, string>[] };
