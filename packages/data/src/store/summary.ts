import { type DatasetReport, formatCount, formatReport, supplementDirs } from '../io/index.js';
import { basename } from '../io/report.js';
import type { BuildNote } from './build.js';

/**
 * One line on what loading a dataset kept and lost, for every command that loads one:
 *
 * `loaded cn-csi300: 8 tables, 1,599,745 rows; rejected 12 rows (daily: 10 unparsable_date, 2 duplicate_key); 3 data warnings (daily: 3 high_below_low); 2 notes (daily: 120 unknown_date; …)`
 *
 * Also named: security codes normalised to `600519.SH`, and extra text columns skipped. A read
 * with supplementary folders is named by all of them: `loaded cn-csi1000 + cn-funds: …`.
 * Without any loss it ends `nothing rejected`; an unusable dataset starts `read <name>,
 * UNUSABLE (n errors)` and counts only its usable tables. {@link formatLoadDetails} is the long form;
 * `report` and `notes` are plain JSON-serialisable data for `--json`.
 */
export function formatLoadSummary(report: DatasetReport, notes: readonly BuildNote[] = []): string {
  const tables = report.tables.filter((t) => t.errors.length === 0);
  const name = [report.dir, ...supplementDirs(report)].map((dir) => basename(dir.replace(/[\\/]+$/, '')) || dir).join(' + ');
  const errors = report.errors.length + report.tables.reduce((n, t) => n + t.errors.length, 0);
  const what = report.usable ? `loaded ${name}` : `read ${name}, UNUSABLE (${errors} error${errors === 1 ? '' : 's'})`;
  const parts = [`${what}: ${tables.length} table${tables.length === 1 ? '' : 's'}, ${formatCount(report.rowsKept)} rows`];
  if (report.rejectedTotal > 0) {
    const byTable = report.tables
      .filter((t) => t.rejected > 0)
      .map((t) => `${t.table}: ${Object.entries(t.rejectedByReason).map(([code, n]) => `${formatCount(n)} ${code}`).join(', ')}`);
    parts.push(`rejected ${formatCount(report.rejectedTotal)} row${report.rejectedTotal === 1 ? '' : 's'} (${byTable.join('; ')})`);
  }
  if (report.warningTotal > 0) {
    const byTable = report.tables
      .filter((t) => t.warningCount > 0)
      .map((t) => `${t.table}: ${Object.entries(t.warningsByCode).map(([code, n]) => `${formatCount(n)} ${code}`).join(', ')}`);
    parts.push(`${formatCount(report.warningTotal)} data warning${report.warningTotal === 1 ? '' : 's'} (${byTable.join('; ')})`);
  }
  const normalised = report.tables.flatMap((t) => t.normalisedCodes.map((c) => ({ table: t.table, ...c })));
  if (normalised.length > 0) {
    const cells = normalised.reduce((n, c) => n + c.cells, 0);
    parts.push(`normalised ${formatCount(cells)} security code${cells === 1 ? '' : 's'} to 600519.SH style (${normalised.map((c) => `${c.table}.${c.column}: ${formatCount(c.cells)} like ${c.example}`).join(', ')})`);
  }
  const gbk = report.tables.filter((t) => t.decodedFrom === 'gbk').map((t) => basename(t.file));
  if (gbk.length > 0) parts.push(`decoded ${gbk.length} file${gbk.length === 1 ? '' : 's'} from GBK (${gbk.join(', ')})`);
  const skipped = report.tables.flatMap((t) => t.extraColumns.filter((c) => c.action === 'skipped').map((c) => `${t.table}.${c.name}`));
  if (skipped.length > 0) parts.push(`skipped ${skipped.length} text column${skipped.length === 1 ? '' : 's'} not in the format (${skipped.join(', ')})`);
  if (notes.length > 0) {
    parts.push(`${notes.length} note${notes.length === 1 ? '' : 's'} (${notes.map((n) => `${n.table}: ${formatCount(n.count)} ${n.code}`).join('; ')})`);
  }
  if (report.rejectedTotal === 0 && report.warningTotal === 0 && notes.length === 0) parts.push('nothing rejected');
  return parts.join('; ');
}

/**
 * The long form of {@link formatLoadSummary} (for `--verbose`): the full report of
 * `formatReport` (verdict, per-table rows, rejections and warnings with examples, extra
 * columns, normalised codes; `examples` per code, default 3) followed by every build note.
 */
export function formatLoadDetails(report: DatasetReport, notes: readonly BuildNote[] = [], options: { examples?: number } = {}): string {
  const out = [formatReport(report, options)];
  if (notes.length > 0) {
    out.push('notes:');
    for (const note of notes) out.push(`  - ${note.table}: ${note.message}`);
  }
  return out.join('\n');
}
