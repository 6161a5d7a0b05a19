import { type DateString, FactorkitError, type Issue, type MarketData, Panel, ValidationError, isDateString, show } from '@factorkit/core';
import type { DatedPanel, MfeOptions, MfeSettings, MfeStyleSource } from './types.js';

/** The documented defaults of {@link MfeConstraintsConfig} and {@link MfeExecution}. */
export const MFE_DEFAULTS = Object.freeze({
  industryField: 'industry',
  industryBand: 0,
  styleBand: 0,
  deviation: 0.01,
  constituentShare: 0.8,
  turnover: 0.3,
  tradability: true,
  price: 'vwap' as const,
  costRoundTrip: 0.003,
});

/** A panel aligned to the data's calendar: row of calendar index `t` is `t − offset`. */
export interface AlignedPanel {
  readonly values: Panel;
  readonly offset: number;
}

/** The value at calendar index `t`, asset `a`; `NaN` outside the panel's dates. */
export function valueAt(panel: AlignedPanel, t: number, a: number): number {
  const row = t - panel.offset;
  return row >= 0 && row < panel.values.dates ? panel.values.get(row, a) : Number.NaN;
}

/** Whether the panel has a row for calendar index `t`. */
export function hasRow(panel: AlignedPanel, t: number): boolean {
  const row = t - panel.offset;
  return row >= 0 && row < panel.values.dates;
}

function isPanel(value: unknown): value is Panel {
  return value instanceof Panel || (typeof value === 'object' && value !== null && (value as Panel).values instanceof Float64Array && typeof (value as Panel).dates === 'number' && typeof (value as Panel).assets === 'number');
}

/** Check a {@link DatedPanel} against the data and align it; issues go to `issues` under `path`. */
export function alignPanel(input: DatedPanel | undefined, data: MarketData, path: string, issues: Issue[]): AlignedPanel | undefined {
  const T = data.calendar.length;
  const N = data.assets.length;
  if (isPanel(input)) {
    if (input.dates !== T || input.assets !== N) {
      issues.push({ path, message: `expected a panel of ${T} dates × ${N} assets (the data's calendar and assets), got ${input.dates} × ${input.assets}; pass { values, dates } for a panel over part of the calendar` });
      return undefined;
    }
    return { values: input, offset: 0 };
  }
  if (typeof input !== 'object' || input === null || !isPanel(input.values) || !Array.isArray(input.dates)) {
    issues.push({ path, message: `expected a Panel or { values: Panel, dates: string[] }, got ${show(input)}` });
    return undefined;
  }
  const values = input.values;
  const dates: readonly unknown[] = input.dates;
  if (values.assets !== N) issues.push({ path: `${path}.values`, message: `has ${values.assets} assets, the data ${N}` });
  if (values.dates !== dates.length) issues.push({ path: `${path}.dates`, message: `has ${dates.length} dates, the panel ${values.dates} rows` });
  if (dates.length === 0) {
    issues.push({ path: `${path}.dates`, message: 'is empty' });
    return undefined;
  }
  const indexOf = (date: unknown): number => (typeof date === 'string' ? data.calendar.indexOf(date) : -1);
  const first = indexOf(dates[0]);
  const last = indexOf(dates[dates.length - 1]);
  if (first < 0 || last < 0 || last - first !== dates.length - 1) {
    issues.push({ path: `${path}.dates`, message: `must be a contiguous run of the data's trading days; ${show(dates[0])} … ${show(dates[dates.length - 1])} (${dates.length} dates) is not` });
    return undefined;
  }
  return values.assets === N && values.dates === dates.length ? { values, offset: first } : undefined;
}

/** Options checked and resolved: everything {@link runMfe} needs before the first date. */
export interface ResolvedMfe {
  readonly factor: AlignedPanel;
  readonly styles: readonly { readonly name: string; readonly source: AlignedPanel | 'log-market-cap' }[];
  readonly first: number;
  readonly last: number;
  readonly scheduleKind: MfeSettings['schedule'];
  readonly explicit: readonly number[] | undefined;
  readonly settings: Omit<MfeSettings, 'price'> & { readonly requestedPrice: 'vwap' | 'close' };
}

/** The constraint groups of the MFE problems under a configuration, in problem order. */
export function mfeGroups(industry: boolean, styles: boolean, constituentShare: boolean, turnover: boolean, tradability: boolean): string[] {
  return [
    'fully-invested',
    'long-only',
    'stock-deviation',
    ...(industry ? ['industry-neutral'] : []),
    ...(styles ? ['style-exposure'] : []),
    ...(constituentShare ? ['constituent-share'] : []),
    ...(turnover ? ['turnover-limit'] : []),
    ...(tradability ? ['tradability'] : []),
  ];
}

function checkNumber(issues: Issue[], path: string, value: unknown, test: (v: number) => boolean, expected: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || !test(value)) issues.push({ path, message: `expected ${expected}, got ${show(value)}` });
}

/**
 * Validate every option, reporting all problems at once (`FK_INVALID_PARAMS` with dot-paths),
 * and fill in the defaults.
 *
 * @throws ValidationError `FK_INVALID_PARAMS`; FactorkitError `FK_MISSING_INPUT` when the universe gives no benchmark weights or the data lacks `ret`.
 */
export function resolveMfeOptions(options: MfeOptions): ResolvedMfe {
  const { data, universe } = options;
  const issues: Issue[] = [];
  if (typeof universe?.weights !== 'function') {
    throw new FactorkitError('FK_MISSING_INPUT', `runMfe: universe \`${universe?.id}\` gives no benchmark weights; the MFE test needs a benchmark (an index universe)`, {
      details: { universe: universe?.id },
    });
  }
  if (!data.hasField('ret')) throw new FactorkitError('FK_MISSING_INPUT', 'runMfe: the dataset has no field `ret` (daily returns), which the holding-period returns are built from');
  const factor = alignPanel(options.factor, data, 'factor', issues);
  if (options.direction !== undefined && options.direction !== 1 && options.direction !== -1) issues.push({ path: 'direction', message: `expected 1 or -1, got ${show(options.direction)}` });
  if (options.benchmarkReturns !== undefined && (!(options.benchmarkReturns instanceof Float64Array) || options.benchmarkReturns.length !== data.calendar.length)) {
    issues.push({ path: 'benchmarkReturns', message: `expected a Float64Array with one entry per date of the calendar (${data.calendar.length}), got ${show(options.benchmarkReturns)}` });
  }

  // Range: the factor's first date to the data's end, narrowed by range.start / range.end.
  const T = data.calendar.length;
  let first = factor ? factor.offset : 0;
  let last = T - 1;
  const dateOf = (path: string, value: unknown): DateString | undefined => {
    if (value === undefined) return undefined;
    if (!isDateString(value)) {
      issues.push({ path, message: `expected a date YYYY-MM-DD, got ${show(value)}` });
      return undefined;
    }
    return value;
  };
  const start = dateOf('range.start', options.range?.start);
  const end = dateOf('range.end', options.range?.end);
  // An explicit start holds even before the factor's first date: those rebalance dates are skipped, each with its reason.
  if (start !== undefined) first = data.calendar.ceil(start);
  if (end !== undefined) last = Math.min(last, data.calendar.floor(end));
  if (T === 0 || first > last) issues.push({ path: 'range', message: `no trading day of the data lies in ${start ?? data.calendar.dates[0] ?? '?'} … ${end ?? data.calendar.dates[T - 1] ?? '?'}${factor ? ` with factor values (from ${data.calendar.dates[factor.offset]})` : ''}` });

  // Schedule.
  const schedule = options.schedule ?? 'monthly';
  let scheduleKind: MfeSettings['schedule'] = 'monthly';
  let explicit: number[] | undefined;
  if (schedule === 'monthly' || schedule === 'weekly') scheduleKind = schedule;
  else if (Array.isArray(schedule)) {
    scheduleKind = 'explicit';
    explicit = [];
    schedule.forEach((entry: unknown, k) => {
      const t = typeof entry === 'number' ? entry : typeof entry === 'string' ? data.calendar.indexOf(entry) : -1;
      if (!Number.isInteger(t) || t < 0 || t >= T) issues.push({ path: `schedule[${k}]`, message: `${show(entry)} is not a trading day of the data (a date YYYY-MM-DD or a calendar index)` });
      else if (t < first || t > last) issues.push({ path: `schedule[${k}]`, message: `${data.calendar.at(t)} is outside the run's range ${data.calendar.dates[first]} … ${data.calendar.dates[last]}` });
      else if (explicit!.length > 0 && t <= explicit![explicit!.length - 1]!) issues.push({ path: `schedule[${k}]`, message: `${data.calendar.at(t)} does not follow the previous date: the schedule must be strictly increasing` });
      else explicit!.push(t);
    });
  } else issues.push({ path: 'schedule', message: `expected 'monthly', 'weekly' or a list of dates, got ${show(schedule)}` });

  // Constraints.
  const c = options.constraints ?? {};
  let industry: MfeSettings['constraints']['industry'] = false;
  if (c.industry !== false) {
    const field = c.industry?.field ?? MFE_DEFAULTS.industryField;
    const band = c.industry?.band ?? MFE_DEFAULTS.industryBand;
    checkNumber(issues, 'constraints.industry.band', band, (v) => v >= 0, 'a number ≥ 0');
    if (typeof field !== 'string' || !data.hasField(field)) {
      issues.push({ path: 'constraints.industry.field', message: `the dataset has no categorical field ${show(field)}; name the industry field or set \`industry: false\`` });
    } else if (!data.fieldInfo().some((f) => f.name === field && f.kind === 'categorical')) {
      issues.push({ path: 'constraints.industry.field', message: `field \`${field}\` is not categorical` });
    }
    industry = { field, band };
  }
  const styles: { name: string; source: AlignedPanel | 'log-market-cap' }[] = [];
  let stylesSetting: MfeSettings['constraints']['styles'] = false;
  if (c.styles !== false) {
    const exposures: Readonly<Record<string, MfeStyleSource>> = c.styles?.exposures ?? { size: 'log-market-cap' };
    const band = c.styles?.band ?? MFE_DEFAULTS.styleBand;
    const bands = c.styles?.bands ?? {};
    checkNumber(issues, 'constraints.styles.band', band, (v) => v >= 0, 'a number ≥ 0');
    for (const [name, value] of Object.entries(bands)) {
      if (!(name in exposures)) issues.push({ path: `constraints.styles.bands.${name}`, message: `\`${name}\` is not one of the styles (${Object.keys(exposures).map((s) => `\`${s}\``).join(', ')})` });
      checkNumber(issues, `constraints.styles.bands.${name}`, value, (v) => v >= 0, 'a number ≥ 0');
    }
    for (const [name, source] of Object.entries(exposures)) {
      if (source === 'log-market-cap') {
        if (!data.hasField('market_cap') && !data.hasField('float_market_cap')) {
          issues.push({ path: `constraints.styles.exposures.${name}`, message: 'log-market-cap needs the field `market_cap` or `float_market_cap`, which the dataset does not have; pass a panel or set `styles: false`' });
        }
        styles.push({ name, source });
      } else {
        const aligned = alignPanel(source, data, `constraints.styles.exposures.${name}`, issues);
        if (aligned) styles.push({ name, source: aligned });
      }
    }
    if (Object.keys(exposures).length === 0) issues.push({ path: 'constraints.styles.exposures', message: 'is empty; set `styles: false` for no style constraint' });
    stylesSetting = { names: Object.keys(exposures), band, bands };
  }
  const deviation = c.deviation ?? MFE_DEFAULTS.deviation;
  checkNumber(issues, 'constraints.deviation', deviation, (v) => v > 0 && v <= 1, 'a number in (0, 1]');
  const constituentShare = c.constituentShare === false ? false : c.constituentShare ?? MFE_DEFAULTS.constituentShare;
  if (constituentShare !== false) checkNumber(issues, 'constraints.constituentShare', constituentShare, (v) => v >= 0 && v <= 1, 'a number in [0, 1] or false');
  const turnover = c.turnover === false ? false : c.turnover ?? MFE_DEFAULTS.turnover;
  if (turnover !== false) checkNumber(issues, 'constraints.turnover', turnover, (v) => v > 0, 'a number > 0 or false');
  const tradability = c.tradability ?? MFE_DEFAULTS.tradability;
  if (typeof tradability !== 'boolean') issues.push({ path: 'constraints.tradability', message: `expected a boolean, got ${show(tradability)}` });

  // Execution.
  const price = options.execution?.price ?? MFE_DEFAULTS.price;
  if (price !== 'vwap' && price !== 'close') issues.push({ path: 'execution.price', message: `expected 'vwap' or 'close', got ${show(price)}` });
  const cost = options.execution?.cost ?? MFE_DEFAULTS.costRoundTrip;
  checkNumber(issues, 'execution.cost', cost, (v) => v >= 0 && v < 1, 'a round-trip cost in [0, 1)');
  const groups = mfeGroups(industry !== false, stylesSetting !== false, constituentShare !== false, turnover !== false, tradability === true || options.investable !== undefined);
  (options.relaxation ?? []).forEach((step, k) => {
    if (!groups.includes(step?.group)) issues.push({ path: `relaxation[${k}].group`, message: `${show(step?.group)} is not a constraint group of these MFE problems (${groups.map((g) => `\`${g}\``).join(', ')})` });
  });
  if (options.timeLimitMs !== undefined) checkNumber(issues, 'timeLimitMs', options.timeLimitMs, (v) => v > 0, 'a number > 0');
  if (options.warmStart !== undefined && typeof options.warmStart !== 'boolean') issues.push({ path: 'warmStart', message: `expected a boolean, got ${show(options.warmStart)}` });

  if (issues.length > 0) throw new ValidationError('FK_INVALID_PARAMS', 'runMfe: invalid options', issues);
  return {
    factor: factor!,
    styles,
    first,
    last,
    scheduleKind,
    explicit,
    settings: {
      schedule: scheduleKind,
      direction: options.direction ?? 1,
      start: data.calendar.at(first),
      end: data.calendar.at(last),
      requestedPrice: price,
      costRoundTrip: cost,
      constraints: { industry, styles: stylesSetting, deviation, constituentShare, turnover, tradability },
    },
  };
}

/**
 * The execution price a run uses on `data`: the one asked for, or `close` when `vwap` was asked
 * for and the data lacks `vwap` or `raw_close` (said in `notes`); with the VWAP, its panels.
 */
export function executionPrice(data: MarketData, requested: 'vwap' | 'close', notes: string[]): { price: 'vwap' | 'close'; vwap: { price: Panel; close: Panel } | undefined } {
  if (requested !== 'vwap') return { price: requested, vwap: undefined };
  if (data.hasField('vwap') && data.hasField('raw_close')) return { price: 'vwap', vwap: { price: data.field('vwap'), close: data.field('raw_close') } };
  notes.push(`the dataset has no \`${data.hasField('vwap') ? 'raw_close' : 'vwap'}\` field, so trades cannot fill at the VWAP: they fill at the next day's close`);
  return { price: 'close', vwap: undefined };
}
