import { intToDate } from '@factorkit/core';
import type { DataTable } from '@factorkit/core';
import type { Block, Section } from '@factorkit/report';
import { type HeavyHoldingsIndex, type HeavyHoldingsOptions, heavyHoldingsIndex } from '@factorkit/universe-fund-holdings';
import type { FundDataset } from './tables.js';

/** The heavy-holdings index as a fund analysis holds it: every rebuild up to the last date (`heavyHoldingsIndex`'s result). */
export type FundHeavyHoldings = HeavyHoldingsIndex;

/** Settings of the heavy-holdings index (`heavyHoldingsIndex`'s options: sample types, size and age rules, weighting, cut). */
export type HeavyHoldingsSettings = HeavyHoldingsOptions;

/** Members of the latest rebuild listed on the page; every one of every rebuild is in `heavy_holdings.csv`. */
const SHOWN_MEMBERS = 50;

/**
 * Every rebuild of the fund heavy-holdings index (`@factorkit/universe-fund-holdings`) over the
 * trading days up to `end` (so no report disclosed later is seen), with coverage against the
 * dataset's assets when it has them.
 */
export function fundHeavyHoldings(
  data: FundDataset,
  input: { readonly end: number; readonly funds: DataTable; readonly holdings: DataTable; readonly settings: HeavyHoldingsSettings },
): FundHeavyHoldings {
  const dates = Array.from({ length: input.end + 1 }, (_, t) => intToDate(data.dates[t]!));
  return heavyHoldingsIndex({ funds: input.funds, holdings: input.holdings, dates, ...(data.assets ? { assets: data.assets } : {}) }, input.settings);
}

const share = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '–');

/** The heavy-holdings section of the fund report: the rules, a report per rebuild, the latest members. */
export function heavyHoldingsSection(index: FundHeavyHoldings): Section {
  const s = index.settings;
  const blocks: Block[] = [
    {
      kind: 'kv',
      title: 'Rules',
      items: [
        ['Sample', `fund types ${s.types.join(', ')}; size ≥ ${(s.minSize / 1e8).toLocaleString('en-US')} × 1e8 CNY; at least ${s.minAgeDays} days since inception; latest report ended at most ${s.maxReportAgeDays} days before`],
        ['Holdings', 'each fund’s latest report visible by its disclosure date (ann_date), not its period end'],
        ['Share classes', index.shareClasses === 'portfolio_group' ? 'merged by fund_holdings.portfolio_group' : 'merged by identical (stock, weight) lists in a period'],
        ['Weighting', s.weighting === 'equal' ? 'funds weighted equally' : 'funds weighted by size'],
        ['Members', `stocks by average weight until ${share(s.cut)} of the total; weights renormalised to 100%`],
        ['Rebuilds', index.rebuilds.length],
      ],
    },
  ];
  const notes = [...index.notes, ...Object.entries(index.skipped).map(([reason, n]) => `${n.toLocaleString('en-US')} holdings rows not used: ${reason}`)];
  if (notes.length > 0) blocks.push({ kind: 'note', text: notes.join('\n'), tone: 'info' });
  if (index.rebuilds.length === 0) {
    blocks.push({ kind: 'note', text: 'No fund report was disclosed by the last date: the index has no rebuild.', tone: 'warning' });
    return { title: 'Fund heavy-holdings index', blocks };
  }
  const coverage = index.rebuilds.some((r) => r.report.coverage !== undefined);
  blocks.push({
    kind: 'table',
    title: 'Rebuilds',
    note: 'Excluded: by the first rule a fund fails (type, stale report, age, size); no holdings: funds of a sample type without a visible report. Turnover: one-way, ½ Σ|Δw| against the previous rebuild.',
    columns: [
      { id: 'date', label: 'Effective', format: 'date' },
      { id: 'reports', label: 'New reports', format: 'int' },
      { id: 'portfolios', label: 'Funds', format: 'int', description: 'funds with a visible report, share classes merged' },
      { id: 'sample', label: 'Sample', format: 'int' },
      { id: 'type', label: 'Excl. type', format: 'int' },
      { id: 'stale', label: 'Excl. stale', format: 'int' },
      { id: 'age', label: 'Excl. age', format: 'int' },
      { id: 'size', label: 'Excl. size', format: 'int' },
      { id: 'none', label: 'No holdings', format: 'int' },
      { id: 'stocks', label: 'Stocks held', format: 'int' },
      { id: 'members', label: 'Members', format: 'int' },
      { id: 'cumulative', label: 'Cum. weight', format: 'pct', digits: 1 },
      { id: 'turnover', label: 'Turnover', format: 'pct', digits: 1 },
      ...(coverage ? [{ id: 'covered', label: 'In data', format: 'pct' as const, digits: 1, description: 'index weight of the members the dataset has' }] : []),
    ],
    rows: index.rebuilds.map((r) => ({
      date: r.date,
      reports: r.report.newReports,
      portfolios: r.report.portfolios,
      sample: r.report.sample,
      type: r.report.excluded.type,
      stale: r.report.excluded.stale,
      age: r.report.excluded.age,
      size: r.report.excluded.size,
      none: r.report.excluded.noHoldings,
      stocks: r.report.stocks,
      members: r.report.members,
      cumulative: r.report.cumulativeWeight,
      turnover: r.report.turnover,
      ...(coverage ? { covered: r.report.coverage?.memberWeightMapped } : {}),
    })),
    source: 'heavy_holdings.csv',
  });
  const last = index.rebuilds[index.rebuilds.length - 1]!;
  const shown = last.members.slice(0, SHOWN_MEMBERS);
  blocks.push({
    kind: 'table',
    title: `Members of the rebuild of ${last.date}`,
    ...(last.members.length > shown.length ? { note: `The ${shown.length} largest of ${last.members.length}; every member of every rebuild is in heavy_holdings.csv.` } : {}),
    columns: [
      { id: 'rank', label: '#', format: 'int' },
      { id: 'code', label: 'Stock', format: 'text' },
      { id: 'weight', label: 'Index weight', format: 'pct' },
      { id: 'average', label: 'Avg. fund weight', format: 'number', digits: 3, description: 'average weight across the sample, percent of NAV (a fund not holding it counts 0)' },
    ],
    rows: shown.map((m, i) => ({ rank: i + 1, code: m.code, weight: m.weight, average: m.average })),
    source: 'heavy_holdings.csv',
  });
  return { title: 'Fund heavy-holdings index', intro: 'The stocks the sample’s funds hold most, rebuilt when new reports become visible (公募重仓指数).', blocks };
}
