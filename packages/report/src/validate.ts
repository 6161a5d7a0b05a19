import { type Issue, ValidationError, isDateString, show } from '@factorkit/core';
import type { Block, ColumnFormat, ReportDocument, TableBlock, TableColumn } from './model.js';

/** At most this many problems are collected; a broken generator would otherwise list every row. */
const MAX_ISSUES = 50;

const FORMATS: readonly ColumnFormat[] = ['pct', 'number', 'int', 'text', 'date'];
const NUMERIC: ReadonlySet<ColumnFormat> = new Set(['pct', 'number', 'int']);
const LANG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** Whether a column holds numbers (`pct`, `number`, `int`). */
export function isNumericFormat(format: ColumnFormat): boolean {
  return NUMERIC.has(format);
}

class Collector {
  readonly issues: Issue[] = [];
  add(path: string, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path, message });
  }
  get full(): boolean {
    return this.issues.length >= MAX_ISSUES;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkString(c: Collector, path: string, value: unknown, optional = false): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'string') c.add(path, `expected a string, got \`${show(value)}\``);
}

function checkDigits(c: Collector, path: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10) c.add(path, `expected an integer from 0 to 10, got \`${show(value)}\``);
}

function checkCount(c: Collector, path: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) c.add(path, `expected a non-negative integer, got \`${show(value)}\``);
}

function checkHeight(c: Collector, path: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 80 || value > 4000) c.add(path, `expected a pixel height from 80 to 4000, got \`${show(value)}\``);
}

function checkOneOf(c: Collector, path: string, value: unknown, allowed: readonly string[], optional = false): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'string' || !allowed.includes(value)) c.add(path, `expected one of ${allowed.map((a) => `\`${a}\``).join(', ')}, got \`${show(value)}\``);
}

function checkArray(c: Collector, path: string, value: unknown): value is readonly unknown[] {
  if (Array.isArray(value)) return true;
  c.add(path, `expected an array, got \`${show(value)}\``);
  return false;
}

function checkColumn(c: Collector, path: string, column: unknown, seen: Set<string>): void {
  if (!isObject(column)) return c.add(path, `expected a column object, got \`${show(column)}\``);
  if (typeof column.id !== 'string' || column.id === '') c.add(`${path}.id`, `expected a non-empty string, got \`${show(column.id)}\``);
  else if (seen.has(column.id)) c.add(`${path}.id`, `duplicate column id \`${column.id}\``);
  else seen.add(column.id);
  checkString(c, `${path}.label`, column.label);
  checkOneOf(c, `${path}.format`, column.format, FORMATS);
  checkDigits(c, `${path}.digits`, column.digits);
  checkString(c, `${path}.description`, column.description, true);
  const marks = column.marks;
  if (marks === undefined) return;
  if (!isObject(marks)) return c.add(`${path}.marks`, `expected an object, got \`${show(marks)}\``);
  if (typeof column.format === 'string' && !NUMERIC.has(column.format as ColumnFormat)) {
    c.add(`${path}.marks`, `best/worst marks need a numeric column (pct, number, int), not \`${String(column.format)}\``);
  }
  checkOneOf(c, `${path}.marks.better`, marks.better, ['higher', 'lower']);
  checkCount(c, `${path}.marks.best`, marks.best);
  checkCount(c, `${path}.marks.worst`, marks.worst);
}

function checkCell(c: Collector, path: string, value: unknown, format: ColumnFormat): void {
  if (value === null || value === undefined) return;
  if (NUMERIC.has(format)) {
    if (typeof value !== 'number') c.add(path, `expected a number (or null/NaN for no value) in a \`${format}\` column, got \`${show(value)}\``);
  } else if (format === 'date') {
    if (!isDateString(value)) c.add(path, `expected a YYYY-MM-DD date, got \`${show(value)}\``);
  } else if (typeof value !== 'string' && typeof value !== 'number') {
    c.add(path, `expected text, got \`${show(value)}\``);
  }
}

function checkTable(c: Collector, path: string, block: Record<string, unknown>): void {
  const columns: TableColumn[] = [];
  if (checkArray(c, `${path}.columns`, block.columns)) {
    if (block.columns.length === 0) c.add(`${path}.columns`, 'a table needs at least one column');
    const seen = new Set<string>();
    block.columns.forEach((column, i) => {
      checkColumn(c, `${path}.columns[${i}]`, column, seen);
      if (isObject(column) && typeof column.id === 'string' && FORMATS.includes(column.format as ColumnFormat)) columns.push(column as unknown as TableColumn);
    });
  }
  let rowCount = 0;
  if (checkArray(c, `${path}.rows`, block.rows)) {
    rowCount = block.rows.length;
    for (let r = 0; r < block.rows.length && !c.full; r++) {
      const row = block.rows[r];
      if (!isObject(row)) {
        c.add(`${path}.rows[${r}]`, `expected an object of cells by column id, got \`${show(row)}\``);
        continue;
      }
      for (const column of columns) checkCell(c, `${path}.rows[${r}].${column.id}`, row[column.id], column.format);
    }
  }
  if (block.rowMarks !== undefined && checkArray(c, `${path}.rowMarks`, block.rowMarks)) {
    block.rowMarks.forEach((mark, i) => {
      const at = `${path}.rowMarks[${i}]`;
      if (!isObject(mark)) return c.add(at, `expected an object, got \`${show(mark)}\``);
      if (typeof mark.row !== 'number' || !Number.isInteger(mark.row) || mark.row < 0 || mark.row >= rowCount) {
        c.add(`${at}.row`, `expected a row index from 0 to ${rowCount - 1}, got \`${show(mark.row)}\``);
      }
      checkOneOf(c, `${at}.style`, mark.style, ['emphasis', 'muted', 'warning'], true);
      if (mark.unranked !== undefined && typeof mark.unranked !== 'boolean') c.add(`${at}.unranked`, `expected a boolean, got \`${show(mark.unranked)}\``);
    });
  }
  checkString(c, `${path}.title`, block.title, true);
  checkString(c, `${path}.note`, block.note, true);
  checkString(c, `${path}.source`, block.source, true);
}

function checkSeries(c: Collector, path: string, series: unknown, length: number, lengthOf: string): void {
  if (!checkArray(c, path, series)) return;
  const names = new Set<string>();
  series.forEach((one, i) => {
    const at = `${path}[${i}]`;
    if (!isObject(one)) return c.add(at, `expected { name, values }, got \`${show(one)}\``);
    if (typeof one.name !== 'string') c.add(`${at}.name`, `expected a string, got \`${show(one.name)}\``);
    else if (names.has(one.name)) c.add(`${at}.name`, `duplicate series name \`${one.name}\``);
    else names.add(one.name);
    if (!Array.isArray(one.values) && !ArrayBuffer.isView(one.values)) return c.add(`${at}.values`, `expected an array of numbers, got \`${show(one.values)}\``);
    const values = one.values as ArrayLike<unknown>;
    if (values.length !== length) c.add(`${at}.values`, `expected ${length} values (one per ${lengthOf}), got ${values.length}`);
    for (let k = 0; k < values.length; k++) {
      const value = values[k];
      if (value !== null && typeof value !== 'number') {
        c.add(`${at}.values[${k}]`, `expected a number or null, got \`${show(value)}\``);
        break;
      }
    }
  });
}

function checkLabels(c: Collector, path: string, labels: unknown): number {
  if (!checkArray(c, path, labels)) return 0;
  const bad = labels.findIndex((label) => typeof label !== 'string');
  if (bad >= 0) c.add(`${path}[${bad}]`, `expected a string, got \`${show(labels[bad])}\``);
  return labels.length;
}

function checkBlock(c: Collector, path: string, block: unknown): void {
  if (!isObject(block)) return c.add(path, `expected a block object, got \`${show(block)}\``);
  switch (block.kind as Block['kind']) {
    case 'table':
      return checkTable(c, path, block);
    case 'lineChart':
    case 'barChart': {
      const line = block.kind === 'lineChart';
      const length = checkLabels(c, `${path}.${line ? 'x' : 'categories'}`, line ? block.x : block.categories);
      checkSeries(c, `${path}.series`, block.series, length, line ? 'x value' : 'category');
      checkOneOf(c, `${path}.yFormat`, block.yFormat, ['pct', 'number']);
      checkDigits(c, `${path}.digits`, block.digits);
      checkHeight(c, `${path}.height`, block.height);
      checkString(c, `${path}.title`, block.title, true);
      checkString(c, `${path}.note`, block.note, true);
      checkString(c, `${path}.source`, block.source, true);
      return;
    }
    case 'note':
      checkString(c, `${path}.text`, block.text);
      checkOneOf(c, `${path}.tone`, block.tone, ['info', 'warning'], true);
      return;
    case 'kv':
      checkString(c, `${path}.title`, block.title, true);
      if (checkArray(c, `${path}.items`, block.items)) {
        block.items.forEach((item, i) => {
          if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || (typeof item[1] !== 'string' && typeof item[1] !== 'number')) {
            c.add(`${path}.items[${i}]`, `expected [key, value] with a string key and a string or number value, got \`${show(item)}\``);
          }
        });
      }
      return;
    default:
      c.add(`${path}.kind`, `expected one of \`table\`, \`lineChart\`, \`barChart\`, \`note\`, \`kv\`, got \`${show(block.kind)}\``);
  }
}

/**
 * Every problem of a report document at once, each with its dot-path
 * (`sections[1].blocks[0].rows[3].excess: expected a number …`); empty when it is valid.
 * At most 50 problems are listed.
 */
export function validateDocument(doc: unknown): Issue[] {
  const c = new Collector();
  if (!isObject(doc)) {
    c.add('', `expected a report document object, got \`${show(doc)}\``);
    return c.issues;
  }
  checkString(c, 'title', doc.title);
  checkString(c, 'subtitle', doc.subtitle, true);
  checkString(c, 'generatedAt', doc.generatedAt);
  checkOneOf(c, 'colors', doc.colors, ['a-share', 'western'], true);
  if (doc.lang !== undefined && (typeof doc.lang !== 'string' || !LANG.test(doc.lang))) c.add('lang', `expected a language tag such as \`en\` or \`zh-CN\`, got \`${show(doc.lang)}\``);
  if (checkArray(c, 'meta', doc.meta)) {
    doc.meta.forEach((item, i) => {
      if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string' || typeof item[1] !== 'string') {
        c.add(`meta[${i}]`, `expected [key, value] strings, got \`${show(item)}\``);
      }
    });
  }
  if (checkArray(c, 'sections', doc.sections)) {
    doc.sections.forEach((section, s) => {
      const path = `sections[${s}]`;
      if (!isObject(section)) return c.add(path, `expected a section object, got \`${show(section)}\``);
      checkString(c, `${path}.title`, section.title);
      checkString(c, `${path}.intro`, section.intro, true);
      if (checkArray(c, `${path}.blocks`, section.blocks)) section.blocks.forEach((block, b) => checkBlock(c, `${path}.blocks[${b}]`, block));
    });
  }
  return c.issues;
}

/**
 * Throw when `doc` is not a valid report document.
 *
 * @throws ValidationError `FK_INVALID_ARGUMENT` listing every problem with its dot-path.
 */
export function assertDocument(doc: unknown, owner = 'report'): asserts doc is ReportDocument {
  const issues = validateDocument(doc);
  if (issues.length > 0) {
    throw new ValidationError('FK_INVALID_ARGUMENT', `${owner}: the report document has ${issues.length >= MAX_ISSUES ? `at least ${MAX_ISSUES}` : issues.length} problem${issues.length === 1 ? '' : 's'}`, issues);
  }
}

/** The same checks for one table block alone (the CSV writers take a block without a document). */
export function assertTable(block: unknown, owner = 'tableToCsv'): asserts block is TableBlock {
  const c = new Collector();
  if (!isObject(block)) c.add('', `expected a table block, got \`${show(block)}\``);
  else checkTable(c, 'table', block);
  if (c.issues.length > 0) throw new ValidationError('FK_INVALID_ARGUMENT', `${owner}: the table has ${c.issues.length} problem${c.issues.length === 1 ? '' : 's'}`, c.issues);
}
