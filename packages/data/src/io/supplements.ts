/**
 * The checks of a read with supplementary folders (`ReadDatasetOptions.with`): tables from
 * different sources must agree with the market they join, on the calendar and on how codes are
 * written. Each check returns the file-level problems it finds, with examples.
 */
import type { TableSchema } from '../schema.js';
import { type Table, intToDate } from '../table.js';
import { type CodeShape, codeShape } from './codes.js';
import type { DataProblem, TableReport } from './report.js';
import { basename, formatCount } from './report.js';

/** Examples named in a message. */
const SHOWN = 3;

/**
 * Compare a supplementary folder's own calendar with the main folder's over the span both
 * cover (each sorted ascending, `yyyymmdd`): a day in one and not in the other is a
 * `calendar_mismatch`. Calendars that do not overlap are not compared.
 */
export function compareCalendars(main: Int32Array, mainFile: string, other: Int32Array, otherFile: string, dir: string): DataProblem | undefined {
  if (main.length === 0 || other.length === 0) return undefined;
  const from = Math.max(main[0]!, other[0]!);
  const to = Math.min(main[main.length - 1]!, other[other.length - 1]!);
  if (from > to) return undefined;
  const onlyMain: number[] = [];
  const onlyOther: number[] = [];
  let onlyMainCount = 0;
  let onlyOtherCount = 0;
  let i = 0;
  let j = 0;
  while (i < main.length && main[i]! < from) i++;
  while (j < other.length && other[j]! < from) j++;
  while ((i < main.length && main[i]! <= to) || (j < other.length && other[j]! <= to)) {
    const a = i < main.length && main[i]! <= to ? main[i]! : Number.POSITIVE_INFINITY;
    const b = j < other.length && other[j]! <= to ? other[j]! : Number.POSITIVE_INFINITY;
    if (a === b) {
      i++;
      j++;
    } else if (a < b) {
      if (onlyMainCount++ < SHOWN) onlyMain.push(a);
      i++;
    } else {
      if (onlyOtherCount++ < SHOWN) onlyOther.push(b);
      j++;
    }
  }
  if (onlyMainCount === 0 && onlyOtherCount === 0) return undefined;
  const days = (count: number, shown: number[], where: string) =>
    `${formatCount(count)} trading day${count === 1 ? '' : 's'} only in ${where} (${shown.map((d) => `\`${intToDate(d)}\``).join(', ')}${count > shown.length ? ', …' : ''})`;
  const differences = [
    ...(onlyMainCount > 0 ? [days(onlyMainCount, onlyMain, `the market's \`${mainFile}\``)] : []),
    ...(onlyOtherCount > 0 ? [days(onlyOtherCount, onlyOther, `\`${basename(otherFile)}\``)] : []),
  ];
  return {
    severity: 'error',
    code: 'calendar_mismatch',
    table: 'calendar',
    file: otherFile,
    message: `supplementary folder \`${dir}\`: its calendar \`${otherFile}\` differs from the market calendar \`${mainFile}\` between ${intToDate(from)} and ${intToDate(to)}: ${differences.join('; ')}. Its tables are checked against the market calendar, so the two must be the same trading days`,
  };
}

/** The shape most codes of `codes` have, among `suffixed` and `bare` (`undefined`: neither). */
export function dominantShape(codes: Iterable<string>): 'suffixed' | 'bare' | undefined {
  let suffixed = 0;
  let bare = 0;
  for (const code of codes) {
    const shape = codeShape(code);
    if (shape === 'suffixed') suffixed++;
    else if (shape === 'bare') bare++;
  }
  if (suffixed === 0 && bare === 0) return undefined;
  return suffixed >= bare ? 'suffixed' : 'bare';
}

/** The distinct values of a string column of `table` (empty when absent or not text). */
export function distinctStrings(table: Table, column: string): readonly string[] {
  const found = table.columns.get(column);
  return found?.type === 'string' ? found.dictionary : [];
}

/** What a supplementary table's codes must look like. */
export interface ShapeReference {
  /** The shape the codes must have. */
  readonly shape: 'suffixed' | 'bare';
  /** The table and file it comes from (`stocks`, `main/stocks.csv`) and a code of it, for the message. */
  readonly table: string;
  readonly file: string;
  readonly example: string;
}

/**
 * Columns of a supplementary table whose codes have the other shape than `reference` (bare
 * `600519` where the market writes `600519.SH`, or the reverse): one `code_style_mismatch`
 * per column, with the count of distinct codes and examples. Codes of neither shape
 * (`00700.HK`, `HSI`) are not compared. Rows already rejected as `unknown_asset` count too
 * (their codes are the report's examples), so a table whose every code was rejected is named.
 */
export function codeShapeProblems(table: Table, report: TableReport, columns: readonly string[], reference: ShapeReference): DataProblem[] {
  const problems: DataProblem[] = [];
  const wrong: CodeShape = reference.shape === 'suffixed' ? 'bare' : 'suffixed';
  for (const column of columns) {
    const codes = new Set(distinctStrings(table, column));
    // Rejected rows keep only their examples: the count is then a lower bound.
    let fromRejected = false;
    for (const problem of report.problems) {
      if (problem.code === 'unknown_asset' && problem.column === column && problem.value !== undefined && codeShape(problem.value) === wrong) {
        codes.add(problem.value);
        fromRejected = true;
      }
    }
    const mismatched = [...codes].filter((code) => codeShape(code) === wrong);
    if (mismatched.length === 0) continue;
    const rejected = report.rejectedByReason.unknown_asset ?? 0;
    const lost = fromRejected ? `; ${formatCount(rejected)} row${rejected === 1 ? ' was' : 's were'} already rejected as \`unknown_asset\`` : '';
    const shown = `${mismatched
      .slice(0, SHOWN)
      .map((c) => `\`${c}\``)
      .join(', ')}${mismatched.length > SHOWN ? ', …' : ''}`;
    const count = `${fromRejected ? 'at least ' : ''}${formatCount(mismatched.length)} code${mismatched.length === 1 ? '' : 's'}`;
    problems.push({
      severity: 'error',
      code: 'code_style_mismatch',
      table: report.table,
      file: report.file,
      column,
      value: mismatched[0]!,
      message: `${basename(report.file)}, column \`${column}\`: ${count} ${mismatched.length === 1 ? SHAPE_IS[wrong].one : SHAPE_IS[wrong].many} (${shown}), but \`${reference.table}\` (\`${reference.file}\`) writes them ${SHAPE_HOW[reference.shape]} (\`${reference.example}\`)${lost}; write them like those of \`${reference.table}\``,
    });
  }
  return problems;
}

const SHAPE_IS = {
  bare: { one: 'is a bare six-digit code', many: 'are bare six-digit codes' },
  suffixed: { one: 'has a suffix', many: 'have a suffix' },
} as const;
const SHAPE_HOW = { bare: 'as bare six-digit codes', suffixed: 'with a suffix' } as const;

/** The security-code columns of a table's schema. */
export function securityCodeColumns(schema: TableSchema): string[] {
  return schema.columns.filter((c) => c.securityCode === true).map((c) => c.name);
}

/** The reference shape of a code column: its dominant shape and an example, or `undefined` when it has neither shape. */
export function shapeReference(table: Table, column: string, name: string, file: string): ShapeReference | undefined {
  const codes = distinctStrings(table, column);
  const shape = dominantShape(codes);
  if (shape === undefined) return undefined;
  const example = codes.find((c) => codeShape(c) === shape)!;
  return { shape, table: name, file, example };
}
