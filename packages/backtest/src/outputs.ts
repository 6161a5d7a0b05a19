import type { CsvColumn, TableRow } from '@factorkit/report';
import type { BacktestMetrics, BacktestResult, PeriodTables } from './types.js';

/** One CSV file of a backtest: its name, columns and rows (rows made as they are written). */
export interface BacktestTable {
  readonly file: string;
  readonly columns: readonly CsvColumn[];
  rows(): Iterable<TableRow>;
}

/** The files `writeBacktestOutputs` writes, in order. */
export const BACKTEST_FILES: readonly string[] = ['nav.csv', 'trades.csv', 'holdings.csv', 'periods.csv', 'metrics.json'];

const text = (id: string): CsvColumn => ({ id, format: 'text' });
const date = (id: string): CsvColumn => ({ id, format: 'date' });
const number = (id: string): CsvColumn => ({ id, format: 'number' });
const int = (id: string): CsvColumn => ({ id, format: 'int' });

/**
 * The CSV tables of a backtest (numbers in full precision; returns and weights as fractions,
 * money in CNY, shares raw):
 * - `nav.csv` — `trade_date,nav,benchmark_nav,cash,turnover,cost`: one row per simulated day;
 *   `nav` is value / capital, `benchmark_nav` the benchmark's index from 1 (empty without one),
 *   `turnover` one-way ((buys + sells) / 2 / the previous close's value), `cost` the day's
 *   commission + stamp duty + transfer fee + slippage in CNY;
 * - `trades.csv` — `trade_date,ts_code,side,shares,price,amount,commission,stamp_duty,transfer_fee,status,reason`:
 *   one row per order and day; `shares` is what filled for `filled` and `partial` rows and what
 *   the order asked for on `refused` and `cancelled` rows (whose `amount` is 0); `reason` says
 *   why not all of it filled (empty when filled);
 * - `holdings.csv` — `trade_date,ts_code,shares,weight,benchmark_weight`: at each close recorded
 *   (days with a fill and the last day, or every day), every stock held or in the benchmark;
 * - `periods.csv` — `frequency,period,start,end,days,return,benchmark_return,excess,excess_ratio`:
 *   the week, month, quarter and year tables.
 */
export function backtestTables(result: BacktestResult): BacktestTable[] {
  return [
    {
      file: 'nav.csv',
      columns: [date('trade_date'), number('nav'), number('benchmark_nav'), number('cash'), number('turnover'), number('cost')],
      *rows() {
        for (let k = 0; k < result.dates.length; k++) {
          yield { trade_date: result.dates[k]!, nav: result.nav[k]!, benchmark_nav: result.benchmarkNav[k]!, cash: result.cash[k]!, turnover: result.turnover[k]!, cost: result.cost[k]! };
        }
      },
    },
    {
      file: 'trades.csv',
      columns: [date('trade_date'), text('ts_code'), text('side'), number('shares'), number('price'), number('amount'), number('commission'), number('stamp_duty'), number('transfer_fee'), text('status'), text('reason')],
      *rows() {
        for (const trade of result.trades) {
          yield {
            trade_date: trade.date,
            ts_code: trade.code,
            side: trade.side,
            shares: trade.status === 'filled' || trade.status === 'partial' ? trade.filled : trade.ordered,
            price: trade.price,
            amount: trade.amount,
            commission: trade.commission,
            stamp_duty: trade.stampDuty,
            transfer_fee: trade.transferFee,
            status: trade.status,
            reason: trade.reason ?? '',
          };
        }
      },
    },
    {
      file: 'holdings.csv',
      columns: [date('trade_date'), text('ts_code'), number('shares'), number('weight'), number('benchmark_weight')],
      *rows() {
        for (const h of result.holdings) yield { trade_date: h.date, ts_code: h.code, shares: h.shares, weight: h.weight, benchmark_weight: h.benchmarkWeight };
      },
    },
    {
      file: 'periods.csv',
      columns: [text('frequency'), text('period'), date('start'), date('end'), int('days'), number('return'), number('benchmark_return'), number('excess'), number('excess_ratio')],
      *rows() {
        for (const frequency of ['week', 'month', 'quarter', 'year'] as const satisfies readonly (keyof PeriodTables)[]) {
          for (const p of result.periods[frequency]) {
            yield { frequency, period: p.period, start: p.start, end: p.end, days: p.days, return: p.return, benchmark_return: p.benchmarkReturn, excess: p.excess, excess_ratio: p.excessRatio };
          }
        }
      },
    },
  ];
}

/** A number for JSON: `null` for `NaN` and infinities. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The metrics under their snake_case names, `null` where not defined. */
export function metricsRecord(metrics: BacktestMetrics): Record<string, number | string | null> {
  return {
    start: metrics.start,
    end: metrics.end,
    days: metrics.days,
    years: finite(metrics.years),
    total_return: finite(metrics.totalReturn),
    annual_return: finite(metrics.annualReturn),
    benchmark_total_return: finite(metrics.benchmarkTotalReturn),
    benchmark_annual_return: finite(metrics.benchmarkAnnualReturn),
    total_excess: finite(metrics.totalExcess),
    total_excess_ratio: finite(metrics.totalExcessRatio),
    annual_excess: finite(metrics.annualExcess),
    annual_excess_ratio: finite(metrics.annualExcessRatio),
    annual_volatility: finite(metrics.annualVolatility),
    tracking_error: finite(metrics.trackingError),
    information_ratio: finite(metrics.informationRatio),
    max_drawdown: finite(metrics.maxDrawdown),
    excess_max_drawdown: finite(metrics.excessMaxDrawdown),
    turnover: finite(metrics.turnover),
    cost_drag: finite(metrics.costDrag),
    weekly_win_rate: finite(metrics.weeklyWinRate),
    monthly_win_rate: finite(metrics.monthlyWinRate),
    new_high_rate: finite(metrics.newHighRate),
    excess_new_high_rate: finite(metrics.excessNewHighRate),
  };
}

/**
 * `metrics.json`: the metrics (snake_case, `null` where undefined), the capital and final value,
 * cost totals, counts of orders by status and reason, the settings used and the data notes.
 */
export function backtestSummary(result: BacktestResult): Record<string, unknown> {
  const last = result.value.length - 1;
  return {
    ...metricsRecord(result.metrics),
    capital: result.capital,
    final_value: result.value[last] ?? null,
    costs: {
      commission: result.costs.commission,
      stamp_duty: result.costs.stampDuty,
      transfer_fee: result.costs.transferFee,
      slippage: result.costs.slippage,
      interest: result.costs.interest,
    },
    counts: {
      rebalances: result.counts.rebalances,
      filled: result.counts.filled,
      partial: result.counts.partial,
      refused: result.counts.refused,
      cancelled: result.counts.cancelled,
      below_lot: result.counts.belowLot,
      reasons: result.counts.reasons,
    },
    settings: result.settings,
    notes: result.notes,
  };
}
