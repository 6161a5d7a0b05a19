import { type Issue, isDateString, show } from '@factorkit/core';

const MAX_ISSUES = 20;
const STATUSES = new Set(['optimal', 'infeasible', 'unbounded', 'iteration_limit', 'time_limit', 'numerical_error', 'error', 'skipped']);
const NUMBERS = ['objective', 'benchmarkExposure', 'activeExposure', 'portfolioReturn', 'benchmarkReturn', 'excessReturn', 'turnover', 'cost', 'buildMs', 'solveMs'] as const;

type Obj = Record<string, unknown>;

/** Collects a checkpoint's problems with their paths (at most 20). */
class Checker {
  readonly issues: Issue[] = [];
  constructor(private readonly prefix: string) {}

  add(path: string, message: string): false {
    const full = this.prefix && path ? `${this.prefix}.${path}` : this.prefix || path;
    if (this.issues.length < MAX_ISSUES) this.issues.push({ path: full, message });
    else if (this.issues.length === MAX_ISSUES) this.issues.push({ path: '', message: 'more problems not listed' });
    return false;
  }
  object(v: unknown, path: string): Obj | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v)) return v as Obj;
    this.add(path, `expected an object, got ${show(v)}`);
    return undefined;
  }
  array(v: unknown, path: string): unknown[] | undefined {
    if (Array.isArray(v)) return v as unknown[];
    this.add(path, `expected an array, got ${show(v)}`);
    return undefined;
  }
  string(v: unknown, path: string): v is string {
    return typeof v === 'string' || this.add(path, `expected a string, got ${show(v)}`);
  }
  strings(v: unknown, path: string): v is string[] {
    const list = this.array(v, path);
    return list !== undefined && list.every((x, i) => this.string(x, `${path}[${i}]`));
  }
  number(v: unknown, path: string): v is number {
    return typeof v === 'number' || this.add(path, `expected a number, got ${show(v)}`);
  }
  int(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): v is number {
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.add(path, `expected an integer, got ${show(v)}`);
    return (v >= min && v <= max) || this.add(path, `${v} is outside ${min}…${max}`);
  }
  boolean(v: unknown, path: string): v is boolean {
    return typeof v === 'boolean' || this.add(path, `expected true or false, got ${show(v)}`);
  }
  floats(v: unknown, path: string, length?: number): v is Float64Array {
    if (!(v instanceof Float64Array)) return this.add(path, `expected a Float64Array, got ${show(v)}`);
    return length === undefined || v.length === length || this.add(path, `expected ${length} entries, got ${v.length}`);
  }
  indices(v: unknown, path: string, n: number): v is Int32Array {
    if (!(v instanceof Int32Array)) return this.add(path, `expected an Int32Array, got ${show(v)}`);
    const bad = v.findIndex((a) => a < 0 || a >= n);
    return bad < 0 || this.add(`${path}[${bad}]`, `asset index ${v[bad]} is outside 0…${n - 1}`);
  }
}

/**
 * The problems of a checkpoint (a value with its typed arrays, as `runMfe` keeps it), with paths
 * under `prefix`: every field a resume reads is checked for its type, its length against the
 * checkpoint's dates and assets, and the indices between its parts. An empty list when it is
 * well formed. The results' free text and the infeasibility reports are checked for type only.
 */
export function checkpointIssues(value: unknown, prefix = ''): Issue[] {
  const c = new Checker(prefix);
  const cp = c.object(value, '');
  if (!cp) return c.issues;
  if (cp.format !== 'factorkit-mfe-checkpoint') c.add('format', `expected "factorkit-mfe-checkpoint", got ${show(cp.format)}`);
  if (cp.version !== 1) c.add('version', `expected 1 (the version this @factorkit/evaluate reads), got ${show(cp.version)}`);
  if (c.issues.length > 0) return c.issues;
  c.string(cp.settingsKey, 'settingsKey');
  c.string(cp.fingerprint, 'fingerprint');
  const dates = c.array(cp.dates, 'dates');
  const datesOk = dates !== undefined && dates.length > 0 ? dates.every((d, i) => (isDateString(d) && (i === 0 || d > (dates[i - 1] as string))) || c.add(`dates[${i}]`, `expected a date YYYY-MM-DD after the previous one, got ${show(d)}`)) : dates !== undefined && c.add('dates', 'is empty');
  const assetsOk = c.strings(cp.assets, 'assets');
  if (!datesOk || !assetsOk) return c.issues;
  const D = cp.dates as string[];
  const L = D.length - 1;
  const N = (cp.assets as string[]).length;

  const result = c.object(cp.result, 'result');
  const state = c.object(cp.state, 'state');
  if (!result || !state) return c.issues;
  const records = checkRecords(c, result.rebalances, D);
  const weights = checkWeights(c, result.weights, N, cp.assets as string[]);
  checkDaily(c, result.daily, state.inception, D);
  checkResultRest(c, result, D, records?.length);

  const holdings = c.object(state.holdings, 'state.holdings');
  if (holdings) {
    c.floats(holdings.weight, 'state.holdings.weight', N);
    c.number(holdings.cash, 'state.holdings.cash');
    c.boolean(holdings.invested, 'state.holdings.invested');
    c.indices(holdings.held, 'state.holdings.held', N);
  }
  if (state.pending !== undefined) {
    const p = c.object(state.pending, 'state.pending');
    if (p && records && weights) {
      if (c.int(p.record, 'state.pending.record', 0, records.length - 1)) {
        const expected = (records[p.record] as Obj).index as number;
        if (p.tradeIndex !== expected + 1 || expected !== L) c.add('state.pending.tradeIndex', `expected ${L + 1} (the day after the last day, the rebalance's trade day), got ${show(p.tradeIndex)}`);
      }
      c.int(p.weights, 'state.pending.weights', 0, weights.length - 1);
      c.floats(p.target, 'state.pending.target', N);
      c.floats(p.benchmark, 'state.pending.benchmark', N);
      c.indices(p.rows, 'state.pending.rows', N);
    }
  }
  if (state.period === undefined) {
    if (records && records.length > 0) c.add('state.period', 'is missing, but the run has rebalances');
  } else {
    const period = c.object(state.period, 'state.period');
    if (period) {
      for (const key of ['portfolio', 'benchmark', 'benchmarkSeries'] as const) c.number(period[key], `state.period.${key}`);
      c.boolean(period.invested, 'state.period.invested');
    }
  }
  if (state.warmStart !== undefined) {
    const warm = c.object(state.warmStart, 'state.warmStart');
    if (warm) {
      c.floats(warm.x, 'state.warmStart.x');
      c.int(warm.rows, 'state.warmStart.rows', 0);
    }
  }
  for (const key of ['missingReturns', 'benchmarkMissing', 'vwapFallbacks'] as const) c.int(state[key], `state.${key}`, 0);
  return c.issues;
}

function checkRecords(c: Checker, value: unknown, D: readonly string[]): Obj[] | undefined {
  const list = c.array(value, 'result.rebalances');
  if (!list) return undefined;
  const L = D.length - 1;
  let previous = -1;
  let ok = true;
  list.forEach((item, k) => {
    const path = `result.rebalances[${k}]`;
    const r = c.object(item, path);
    if (!r) return (ok = false);
    if (!c.int(r.index, `${path}.index`, previous + 1, L)) return (ok = false);
    previous = r.index;
    if (r.date !== D[previous]) c.add(`${path}.date`, `expected ${show(D[previous])} (the date of index ${previous}), got ${show(r.date)}`);
    const trade = previous < L ? D[previous + 1] : undefined;
    if (r.tradeDate !== trade) c.add(`${path}.tradeDate`, `expected ${show(trade)}, got ${show(r.tradeDate)}`);
    if (r.periodEnd !== undefined) c.string(r.periodEnd, `${path}.periodEnd`);
    c.int(r.days, `${path}.days`, 0, L);
    if (typeof r.status !== 'string' || !STATUSES.has(r.status)) c.add(`${path}.status`, `expected a solve status or "skipped", got ${show(r.status)}`);
    c.strings(r.messages, `${path}.messages`);
    c.strings(r.binding, `${path}.binding`);
    if (r.bindingFrom !== 'duals' && r.bindingFrom !== 'active' && r.bindingFrom !== 'none') c.add(`${path}.bindingFrom`, `expected "duals", "active" or "none", got ${show(r.bindingFrom)}`);
    for (const key of NUMBERS) c.number(r[key], `${path}.${key}`);
    c.int(r.nAssets, `${path}.nAssets`, 0);
    c.int(r.candidates, `${path}.candidates`, 0);
    const counts = c.object(r.counts, `${path}.counts`);
    if (counts) {
      for (const key of ['missingFactor', 'pinned', 'cashedOut', 'blockedBuys', 'blockedSells'] as const) c.int(counts[key], `${path}.counts.${key}`, 0);
      c.number(counts.buyFill, `${path}.counts.buyFill`);
      c.object(counts.missingStyle, `${path}.counts.missingStyle`);
    }
    if (r.infeasibility !== undefined) c.object(r.infeasibility, `${path}.infeasibility`);
    if (r.relaxations !== undefined) c.array(r.relaxations, `${path}.relaxations`);
    return undefined;
  });
  return ok ? (list as Obj[]) : undefined;
}

function checkWeights(c: Checker, value: unknown, N: number, assets: readonly string[]): Obj[] | undefined {
  const list = c.array(value, 'result.weights');
  if (!list) return undefined;
  list.forEach((item, k) => {
    const path = `result.weights[${k}]`;
    const w = c.object(item, path);
    if (!w) return;
    c.string(w.date, `${path}.date`);
    if (!c.indices(w.assets, `${path}.assets`, N)) return;
    const n = w.assets.length;
    if (c.strings(w.codes, `${path}.codes`)) {
      const bad = w.assets.findIndex((a, i) => (w.codes as string[])[i] !== assets[a]);
      if (bad >= 0 || w.codes.length !== n) c.add(`${path}.codes`, `expected the codes of \`assets\` (${show(assets[w.assets[Math.max(bad, 0)]!])} at ${Math.max(bad, 0)})`);
    }
    for (const key of ['weight', 'benchmark', 'executed'] as const) c.floats(w[key], `${path}.${key}`, n);
  });
  return list as Obj[];
}

function checkDaily(c: Checker, value: unknown, inception: unknown, D: readonly string[]): void {
  const daily = c.object(value, 'result.daily');
  if (!daily) return;
  const L = D.length - 1;
  let from = L + 1;
  if (inception === undefined) {
    if (daily.inception !== undefined) c.add('result.daily.inception', `expected none (state.inception is none), got ${show(daily.inception)}`);
  } else if (c.int(inception, 'state.inception', 0, L - 1)) {
    from = inception + 1;
    if (daily.inception !== D[inception]) c.add('result.daily.inception', `expected ${show(D[inception])} (the date of state.inception), got ${show(daily.inception)}`);
  }
  const n = L + 1 - from;
  if (c.strings(daily.dates, 'result.daily.dates')) {
    const bad = daily.dates.findIndex((d, k) => d !== D[from + k]);
    if (daily.dates.length !== n || bad >= 0) c.add('result.daily.dates', `expected the ${n} dates after the inception through ${D[L]}${bad >= 0 ? `; entry ${bad} is ${show(daily.dates[bad])}` : `, got ${daily.dates.length}`}`);
  }
  for (const key of ['portfolio', 'benchmark', 'excess', 'cash'] as const) c.floats(daily[key], `result.daily.${key}`, n);
}

function checkResultRest(c: Checker, result: Obj, D: readonly string[], records: number | undefined): void {
  c.string(result.universe, 'result.universe');
  c.string(result.optimizer, 'result.optimizer');
  c.strings(result.notes, 'result.notes');
  const settings = c.object(result.settings, 'result.settings');
  if (settings) {
    if (settings.end !== D[D.length - 1]) c.add('result.settings.end', `expected ${show(D[D.length - 1])} (the last of \`dates\`), got ${show(settings.end)}`);
    c.string(settings.start, 'result.settings.start');
    c.object(settings.constraints, 'result.settings.constraints');
  }
  const counts = c.object(result.counts, 'result.counts');
  if (counts) {
    let decided = 0;
    for (const key of ['rebalances', 'optimal', 'infeasible', 'failed', 'skipped', 'missingReturns', 'vwapFallbacks'] as const) {
      if (c.int(counts[key], `result.counts.${key}`, 0) && key !== 'rebalances' && key !== 'missingReturns' && key !== 'vwapFallbacks') decided += counts[key];
    }
    if (records !== undefined && decided !== records) c.add('result.counts', `optimal + infeasible + failed + skipped is ${decided}, but there are ${records} rebalances`);
  }
}
