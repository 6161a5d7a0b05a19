/** The strategy page's trading sections: turnover and costs, rebalances, trade outcomes. */
import type { TradeReason, TradeStatus } from '@factorkit/backtest';
import type { Block, RowMark, Section } from '@factorkit/report';
import { date, finiteMean, fixed, int, num, pct, percent, share, text } from './format.js';
import { monthlyTrading } from './series.js';
import type { ReportRebalanceStatus, StrategyReportInput } from './types.js';

/** Rebalances listed one by one (those not solved as posed); every one is in the result. */
export const SHOWN_REBALANCES = 200;

/** Months up to which a monthly series is drawn as bars (every month labelled); a longer run gets a line. */
export const MONTH_BARS = 36;

/** Bars for a short run, a line (thinned axis labels) for a long one. */
function monthChart(title: string, note: string, months: string[], name: string, values: number[], digits: number): Block {
  const common = { title, note, series: [{ name, values }], yFormat: 'pct' as const, digits, source: 'nav.csv' };
  return months.length <= MONTH_BARS ? { kind: 'barChart', categories: months, ...common } : { kind: 'lineChart', x: months, ...common };
}

/** Monthly turnover and costs, and the cost totals by kind. */
export function tradingSection(result: StrategyReportInput): Section {
  const bt = result.backtest;
  const months = monthlyTrading(bt);
  const c = bt.costs;
  const total = c.commission + c.stampDuty + c.transferFee + c.slippage;
  const row = (item: string, amount: number) => ({ item, amount, of_capital: amount / bt.capital, of_total: amount / total });
  const blocks: Block[] = [
    monthChart('Turnover by month', 'One-way: Σ (buys + sells) / 2 / value at the previous close over the month’s days.', months.map((m) => m.month), 'Turnover', months.map((m) => m.turnover), 1),
    monthChart('Costs by month', 'Commission, stamp duty, transfer fee and slippage: Σ cost / value at the previous close over the month’s days.', months.map((m) => m.month), 'Costs', months.map((m) => m.cost), 3),
    {
      kind: 'table',
      title: 'Costs over the run',
      note: `CNY. Slippage is in the fill prices (what it cost against the unslipped price). Deposit interest is income on the cash, not a cost. Capital ${bt.capital.toLocaleString('en-US')} CNY.`,
      columns: [text('item', 'Item'), num('amount', 'Amount (CNY)', 2), pct('of_capital', 'Of capital', { digits: 3, colorBySign: false }), pct('of_total', 'Of costs', { digits: 1, colorBySign: false })],
      rows: [row('Commission', c.commission), row('Stamp duty', c.stampDuty), row('Transfer fee', c.transferFee), row('Slippage', c.slippage), row('Total costs', total), { ...row('Deposit interest (income)', c.interest), of_total: Number.NaN }],
      rowMarks: [{ row: 4, style: 'emphasis' }, { row: 5, style: 'muted' }],
      source: 'trades.csv',
    },
    {
      kind: 'kv',
      title: 'Turnover and cost drag',
      items: [
        ['Turnover (one-way, a year)', `${fixed(bt.metrics.turnover)}×`],
        ['Turnover over the run', `${fixed(months.reduce((s, m) => s + m.turnover, 0))}×`],
        ['Cost drag (a year)', percent(bt.metrics.costDrag, 3)],
        ['Costs over the run (Σ daily cost / value)', percent(months.reduce((s, m) => s + m.cost, 0), 3)],
      ],
    },
  ];
  return { title: 'Turnover and costs', blocks };
}

const STATUSES: readonly ReportRebalanceStatus[] = ['optimal', 'relaxed', 'held', 'skipped', 'stopped'];
const STATUS_MEANING: Readonly<Record<ReportRebalanceStatus, string>> = {
  optimal: 'solved as posed',
  relaxed: 'solved after relaxing constraints in the declared order',
  held: 'no solution: the holdings were kept',
  skipped: 'not attempted (no scores or no candidates)',
  stopped: 'no solution: the run stopped here (policy stop)',
};

/** Texts joined, or nothing (shown as `–`) when there is none. */
const joined = (texts: readonly string[], separator: string): string | undefined => (texts.length > 0 ? texts.join(separator) : undefined);

/** Rebalance outcomes: counts by status, ex-ante figures over time, and every date not solved as posed. */
export function rebalancesSection(result: StrategyReportInput): Section {
  const rebalances = result.rebalances;
  if (rebalances.length === 0) return { title: 'Rebalances', blocks: [{ kind: 'note', text: 'The run made no rebalance.', tone: 'warning' }] };
  const counts = new Map<string, number>();
  for (const r of rebalances) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const statuses = [...STATUSES, ...[...counts.keys()].filter((s) => !STATUSES.includes(s as ReportRebalanceStatus))];
  const unusual = rebalances.filter((r) => r.status !== 'optimal');
  const shown = unusual.slice(0, SHOWN_REBALANCES);
  const marks: RowMark[] = shown.flatMap((r, i) => (r.status === 'held' || r.status === 'stopped' ? [{ row: i, style: 'warning' as const }] : []));
  const blocks: Block[] = [
    {
      kind: 'table',
      title: 'By status',
      columns: [text('status', 'Status'), text('meaning', 'Meaning'), int('count', 'Rebalances'), pct('share', 'Share', { digits: 1, colorBySign: false })],
      rows: statuses.map((s) => ({ status: s, meaning: STATUS_MEANING[s as ReportRebalanceStatus], count: counts.get(s) ?? 0, share: (counts.get(s) ?? 0) / rebalances.length })),
    },
    {
      kind: 'kv',
      title: 'Averages',
      items: [
        ['Rebalances', rebalances.length],
        ['Mean candidates', fixed(finiteMean(rebalances.map((r) => r.candidates)), 0)],
        ['Mean planned turnover (one-way)', percent(finiteMean(rebalances.map((r) => r.turnover)))],
        ['Mean ex-ante tracking error', percent(finiteMean(rebalances.map((r) => r.exAnteTrackingError)))],
        ['Mean solve time', `${fixed(finiteMean(rebalances.map((r) => r.solveMs)), 1)} ms`],
      ],
    },
    {
      kind: 'lineChart',
      title: 'Planned turnover and ex-ante tracking error',
      note: 'At each rebalance: the one-way turnover the target weights asked for, and their annualised tracking error under the risk model (none without one).',
      x: rebalances.map((r) => r.date),
      series: [
        { name: 'Planned turnover', values: rebalances.map((r) => r.turnover) },
        { name: 'Ex-ante tracking error', values: rebalances.map((r) => r.exAnteTrackingError) },
      ],
      yFormat: 'pct',
    },
  ];
  if (unusual.length === 0) blocks.push({ kind: 'note', text: 'Every rebalance was solved as posed.', tone: 'info' });
  else {
    blocks.push({
      kind: 'table',
      title: 'Rebalances not solved as posed',
      ...(unusual.length > shown.length ? { note: `The first ${shown.length} of ${unusual.length}.` } : {}),
      columns: [date('date', 'Date'), text('status', 'Status'), int('candidates', 'Candidates'), text('relaxations', 'Relaxed'), text('messages', 'Why')],
      rows: shown.map((r) => ({ date: r.date, status: r.status, candidates: r.candidates, relaxations: joined(r.relaxations, '; '), messages: joined(r.messages, ' ') })),
      rowMarks: marks,
    });
  }
  return { title: 'Rebalances', intro: 'What each rebalance came to under the strategy’s infeasibility policy.', blocks };
}

const TRADE_STATUSES: readonly TradeStatus[] = ['filled', 'partial', 'refused', 'cancelled'];
const REASON_MEANING: Readonly<Record<TradeReason, string>> = {
  no_row: 'no daily row that day (not listed, delisted, a data gap)',
  suspended: 'suspended that day',
  no_price: 'no fill price although it trades',
  limit_up: 'a buy at limit-up at the fill time',
  limit_down: 'a sell at limit-down at the fill time',
  't+1': 'shares bought that day cannot be sold (T+1)',
  no_position: 'a sell of a stock no longer held',
  no_volume: 'no volume that day',
  volume_cap: 'the volume participation cap was reached',
  cash: 'buys scaled down to the cash',
  lot: 'below the board’s smallest order',
  superseded: 'a carried remainder replaced by a new rebalance',
  end: 'a carried remainder still open at the end',
};

/** What became of the orders: counts by status and by reason. */
export function tradesSection(result: StrategyReportInput): Section {
  const counts = result.backtest.counts;
  const total = counts.filled + counts.partial + counts.refused + counts.cancelled;
  const reasons = (Object.entries(counts.reasons) as [TradeReason, number | undefined][]).filter(([, n]) => (n ?? 0) > 0).sort((a, b) => b[1]! - a[1]! || a[0].localeCompare(b[0]));
  return {
    title: 'Trade outcomes',
    intro: 'Every order the backtest sent, by what became of it; refused and partly filled orders are in trades.csv with their reason.',
    blocks: [
      {
        kind: 'table',
        title: 'By status',
        columns: [text('status', 'Status'), int('count', 'Orders'), pct('share', 'Share', { digits: 1, colorBySign: false })],
        rows: TRADE_STATUSES.map((s) => ({ status: s, count: counts[s], share: total > 0 ? counts[s] / total : Number.NaN })),
        source: 'trades.csv',
      },
      reasons.length === 0
        ? { kind: 'note', text: 'Every order filled in full.', tone: 'info' }
        : {
            kind: 'table',
            title: 'Not filled in full, by reason',
            columns: [text('reason', 'Reason'), text('meaning', 'Meaning'), int('count', 'Orders')],
            rows: reasons.map(([reason, n]) => ({ reason, meaning: REASON_MEANING[reason], count: n! })),
            source: 'trades.csv',
          },
      {
        kind: 'kv',
        items: [
          ['Rebalances executed', counts.rebalances],
          ['Orders', total],
          ['Not filled in full', share(total - counts.filled, total)],
          ['Changes below the smallest order (no order made)', counts.belowLot],
        ],
      },
    ],
  };
}
