import { type Issue, type MarketData, type UniverseInstance, formatIssues } from '@factorkit/core';
import { checkpointIssues } from './checkpoint-shape.js';
import type { RebalanceInputs } from './context.js';
import { dataFingerprint, settingsDifferences } from './fingerprint.js';
import { Holdings } from './holdings.js';
import { type RunState, freshState } from './state.js';
import type { MfeCheckpoint, MfeDaily, MfeResumeRefusal } from './types.js';

/** Where the day loop of a run starts, and with what. */
export interface RunPlan {
  readonly state: RunState;
  /** The first day of the loop. */
  readonly start: number;
  /** Days up to this one have their returns already (the loop's first day only rebalances). */
  readonly dailyThrough: number;
  /** Index into the schedule of the next rebalance to decide. */
  readonly next: number;
  /** The checkpoint's daily series, continued by the run. */
  readonly daily: MfeDaily | undefined;
  readonly missingReturns: number;
  readonly vwapFallbacks: number;
}

/** What a resume is checked against: the run's data, resolved settings and schedule. */
export interface ResumeTarget {
  readonly data: MarketData;
  readonly universe: UniverseInstance;
  readonly inputs: RebalanceInputs;
  readonly schedule: readonly number[];
  readonly last: number;
  readonly notes: readonly string[];
  readonly settingsKey: string;
}

/** Why a checkpoint cannot continue a run. */
export interface Refusal {
  readonly reason: MfeResumeRefusal;
  readonly message: string;
  /** The checkpoint's problems, for `checkpoint`. */
  readonly issues?: readonly Issue[];
}

/**
 * Checkpoints whose shape was checked: a checkpoint is read-only once made (a run never changes
 * one; `resumePlan` copies what it goes on with).
 */
const wellFormed = new WeakSet<object>();

/** A run from the first rebalance date. */
export function freshPlan(assets: number, schedule: readonly number[], last: number): RunPlan {
  const start = schedule[0] ?? last + 1;
  return { state: freshState(assets), start, dailyThrough: start, next: 0, daily: undefined, missingReturns: 0, vwapFallbacks: 0 };
}

/**
 * Why `checkpoint` cannot continue the run `target`, or `undefined` when it can: it must be well
 * formed; the data must have the same assets and a calendar that starts with the checkpoint's
 * dates; the settings key must be the same; the run must not end before the checkpoint's last
 * day; the rebalance dates up to that day must be the checkpoint's (the last day may be added: a
 * calendar ending on it could not tell that a holiday closes its week); the notes (fields
 * missing, fallbacks) and the data fingerprint must be the same.
 */
export function resumeRefusal(checkpoint: unknown, target: ResumeTarget): Refusal | undefined {
  // Checked once per checkpoint object (a tracking run asks before its series, the series, then runMfe).
  const issues = wellFormed.has(checkpoint as object) ? [] : checkpointIssues(checkpoint, 'resume');
  if (issues.length > 0) return { reason: 'checkpoint', message: formatIssues('the checkpoint is malformed', issues), issues };
  wellFormed.add(checkpoint as object);
  const cp = checkpoint as MfeCheckpoint;
  const { data } = target;
  const L = cp.dates.length - 1;

  const assets = data.assets;
  const differs = assets.findIndex((code, a) => code !== cp.assets[a]);
  if (differs >= 0 || assets.length !== cp.assets.length) {
    const at = differs >= 0 ? differs : Math.min(assets.length, cp.assets.length);
    return {
      reason: 'assets',
      message: `the data's assets are not the checkpoint's: ${assets.length} here, ${cp.assets.length} in the checkpoint; the first difference is at column ${at} (\`${assets[at] ?? 'none'}\` here, \`${cp.assets[at] ?? 'none'}\` in the checkpoint)`,
    };
  }
  const dates = data.calendar.dates;
  for (let t = 0; t <= L; t++) {
    if (dates[t] === cp.dates[t]) continue;
    const here = t < dates.length ? `has \`${dates[t]}\` at position ${t}` : `ends on \`${dates[dates.length - 1] ?? 'none'}\``;
    return { reason: 'calendar', message: `the data's calendar does not start with the checkpoint's dates: it ${here} where the checkpoint has \`${cp.dates[t]}\`` };
  }
  if (target.settingsKey !== cp.settingsKey) {
    return { reason: 'settings', message: `the settings are not the checkpoint's: ${settingsDifferences(cp.settingsKey, target.settingsKey).join('; ')}` };
  }
  if (target.last < L) {
    return { reason: 'range', message: `this run ends on \`${data.calendar.at(target.last)}\`, before the checkpoint's last day \`${cp.dates[L]}\`` };
  }
  const notes = cp.result.notes;
  if (notes.length !== target.notes.length || notes.some((n, k) => n !== target.notes[k])) {
    return { reason: 'data', message: `the data's fields are not those of the checkpoint's run: its notes were ${JSON.stringify(notes)}, here ${JSON.stringify(target.notes)}` };
  }
  const records = cp.result.rebalances;
  const scheduled = target.schedule.filter((t) => t <= L);
  for (let k = 0; k < Math.max(records.length, scheduled.length); k++) {
    const had = records[k]?.index;
    const has = scheduled[k];
    if (had === has) continue;
    // The checkpoint's last day, now known to close its period: it is decided by the resumed run.
    if (had === undefined && has === L && k === scheduled.length - 1) break;
    const date = Math.min(had ?? Number.POSITIVE_INFINITY, has ?? Number.POSITIVE_INFINITY);
    const which = date === has ? 'is a rebalance date here but not in the checkpoint' : 'is a rebalance date of the checkpoint but not here';
    return { reason: 'schedule', message: `the rebalance dates through the checkpoint's last day are not the checkpoint's: \`${data.calendar.at(date)}\` ${which}` };
  }
  const lastRebalance = records[records.length - 1]?.index;
  const fingerprint = dataFingerprint(data, target.inputs, target.universe, lastRebalance, L);
  if (fingerprint !== cp.fingerprint) {
    const on = lastRebalance === undefined ? '' : ` (the factor, styles or benchmark weights on \`${cp.dates[lastRebalance]}\`, or the returns from then to \`${cp.dates[L]}\`)`;
    return { reason: 'data', message: `the data the checkpoint's run read last is not this data${on}: fingerprint \`${cp.fingerprint}\` in the checkpoint, \`${fingerprint}\` here` };
  }
  return undefined;
}

/** The plan of a run continued from `cp` (which {@link resumeRefusal} accepted for this run). */
export function resumePlan(cp: MfeCheckpoint, assets: number, schedule: readonly number[], last: number, calendarAt: (t: number) => string): RunPlan {
  const records = cp.result.rebalances;
  // Nothing decided yet: the same as a run from scratch.
  if (records.length === 0) return freshPlan(assets, schedule, last);
  const L = cp.dates.length - 1;
  const s = cp.state;
  const { optimal, infeasible, failed, skipped } = cp.result.counts;
  const state: RunState = {
    holdings: Holdings.restore(s.holdings),
    inception: s.inception,
    pending: s.pending,
    records: records.map((r) => ({ ...r })),
    weights: [...cp.result.weights],
    counts: { optimal, infeasible, failed, skipped },
    benchmarkMissing: s.benchmarkMissing,
    previousSolve: s.warmStart,
    period: { ...s.period! },
  };
  const open = state.records[state.records.length - 1]!;
  if (open.tradeDate === undefined && open.index < last) open.tradeDate = calendarAt(open.index + 1);
  return { state, start: L, dailyThrough: L, next: records.length, daily: cp.result.daily, missingReturns: s.missingReturns, vwapFallbacks: s.vwapFallbacks };
}
