import { type Issue, type ParamsInput, type ParamsOf, checkParams, dateToInt, param } from '@factorkit/core';
import { DEFAULT_DAY_BASIS, DEFAULT_DEPOSIT_RATE } from '@factorkit/benchmark';
import { STAMP_DUTY_SCHEDULE, TRANSFER_FEE_SCHEDULE } from './costs.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The plain-data settings of a backtest (capital, execution, costs, deposit rate) as a core
 * parameter schema, so a strategy file can carry them and be checked with every problem at once.
 */
export const BACKTEST_SETTINGS = {
  capital: param.number({ default: 10_000_000, min: 0, exclusiveMin: true, description: 'starting cash, CNY' }),
  execution: param.object({
    price: param.enum(['open', 'vwap', 'close'], { default: 'open', description: 'the price of day t+1 that orders decided at the close of t fill at' }),
    participation: param.number({ default: 0.1, min: 0, exclusiveMin: true, max: 1, description: 'largest share of the day’s volume one order may take' }),
    remainder: param.enum(['carry', 'cancel'], { default: 'carry', description: 'what becomes of the unfilled part of an order: tried again the next day until a new rebalance, or dropped' }),
  }),
  costs: param.object({
    commission: param.number({ default: 0.00025, min: 0, max: 0.01, description: 'broker commission as a fraction of the amount, both sides (exchange handling fees included)' }),
    minCommission: param.number({ default: 5, min: 0, description: 'smallest commission per order, CNY' }),
    slippageBps: param.number({ default: 0, min: 0, max: 1000, description: 'slippage in basis points: buys fill this much above the price, sells below' }),
    stampDuty: param.array(
      param.object({
        from: param.string({ pattern: DATE, description: 'first day of the rates, YYYY-MM-DD' }),
        buy: param.number({ min: 0, max: 0.01 }),
        sell: param.number({ min: 0, max: 0.01 }),
      }),
      { default: STAMP_DUTY_SCHEDULE.map((e) => ({ ...e })), minItems: 1, description: 'stamp duty by date (fractions of the amount)' },
    ),
    transferFee: param.array(
      param.object({
        from: param.string({ pattern: DATE }),
        exchange: param.enum(['SH', 'SZ', 'BJ']),
        rate: param.number({ min: 0, max: 0.01 }),
        perShare: param.number({ min: 0, max: 0.01 }),
      }),
      { default: TRANSFER_FEE_SCHEDULE.map((e) => ({ ...e })), description: 'transfer fee by date and exchange: rate × amount + perShare × shares' },
    ),
  }),
  depositRate: param.number({ default: DEFAULT_DEPOSIT_RATE, min: -0.1, max: 1, description: 'annual rate cash earns, accrued over calendar days / dayBasis' }),
  dayBasis: param.number({ default: DEFAULT_DAY_BASIS, min: 0, exclusiveMin: true, description: 'calendar days per year for the deposit accrual' }),
};

/** The settings with every default filled in. */
export type BacktestSettings = ParamsOf<typeof BACKTEST_SETTINGS>;

/** Settings as a user gives them: any subset. */
export type BacktestSettingsInput = ParamsInput<typeof BACKTEST_SETTINGS>;

/** Check the settings (every problem, with its dot-path under `path`), defaults filled in. */
export function checkSettings(input: unknown, path: string): { ok: true; value: BacktestSettings } | { ok: false; issues: Issue[] } {
  const checked = checkParams(BACKTEST_SETTINGS, input, path);
  if (!checked.ok) return checked;
  const issues: Issue[] = [];
  const value = checked.value;
  const sorted = (entries: readonly { from: string }[], where: string, group?: (e: never) => string) => {
    const last = new Map<string, number>();
    entries.forEach((entry, i) => {
      const day = dateToInt(entry.from);
      if (Number.isNaN(day)) {
        issues.push({ path: `${where}[${i}].from`, message: `\`${entry.from}\` is not a real date` });
        return;
      }
      const key = group ? group(entry as never) : '';
      const before = last.get(key);
      if (before !== undefined && day <= before) issues.push({ path: `${where}[${i}].from`, message: `\`${entry.from}\` does not follow the previous entry${key ? ` of \`${key}\`` : ''} (dates must increase)` });
      last.set(key, day);
    });
  };
  sorted(value.costs.stampDuty, `${path}.costs.stampDuty`);
  sorted(value.costs.transferFee, `${path}.costs.transferFee`, (e: { exchange: string }) => e.exchange);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, value };
}
