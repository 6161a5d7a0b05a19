/**
 * Core benchmarks: the panel operations every factor run goes through, on a full-market-sized
 * panel (5,000 assets × 2,500 days), each against a naive element-by-element reference in the
 * same run; and registry validation throughput.
 */
import { measure, report } from '@factorkit/tooling/bench';
import { Panel, createMemoryData, createRegistry, defineFactor, param } from '../src/index.js';

const DATES = 2_500;
const ASSETS = 5_000;

function randomPanel(dates: number, assets: number, seed: number): Panel {
  const values = new Float64Array(dates * assets);
  let state = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    values[i] = (state / 2 ** 32 - 0.5) * 0.04;
  }
  return new Panel(dates, assets, values);
}

const panel = randomPanel(DATES, ASSETS, 42);
const data = createMemoryData({
  calendar: Array.from({ length: DATES }, (_, t) => new Date(Date.UTC(2010, 0, 1) + t * 86_400_000).toISOString().slice(0, 10)),
  assets: Array.from({ length: ASSETS }, (_, a) => `${String(a).padStart(6, '0')}.SZ`),
  fields: { ret: panel },
});

function naiveLag(source: Panel, lag: number): Panel {
  const out = new Panel(source.dates, source.assets);
  for (let t = lag; t < source.dates; t++) for (let a = 0; a < source.assets; a++) out.set(t, a, source.get(t - lag, a));
  return out;
}

function naiveSlice(source: Panel, start: number, end: number): Panel {
  const out = new Panel(end - start, source.assets);
  for (let t = start; t < end; t++) for (let a = 0; a < source.assets; a++) out.set(t - start, a, source.get(t, a));
  return out;
}

const lagResults = [
  await measure('naive lag (date-major loop)', () => naiveLag(panel, 1), { iterations: 3 }),
  await measure('MarketData.field(ret, lag 1)', () => data.field('ret', { lag: 1 }), { iterations: 5 }),
];
report(`lag a ${DATES} × ${ASSETS} panel by one day`, lagResults, { reference: 'naive lag (date-major loop)' });

const sliceResults = [
  await measure('naive slice (date-major loop)', () => naiveSlice(panel, 250, DATES), { iterations: 3 }),
  await measure('Panel.sliceDates', () => panel.sliceDates(250), { iterations: 5 }),
  await measure('window(250, end).field(ret)', () => data.window(250, DATES).field('ret'), { iterations: 5 }),
];
report(`cut the first 250 days off a ${DATES} × ${ASSETS} panel`, sliceResults, { reference: 'naive slice (date-major loop)' });

const plugins = Array.from({ length: 1_000 }, (_, i) =>
  defineFactor({
    id: `bench_factor_${i}`,
    apiVersion: '1.0',
    meta: {
      description: 'benchmark factor',
      category: 'other',
      inputs: [{ field: 'ret' }],
      lookback: 20,
      direction: 1,
      params: { window: param.integer({ default: 20, min: 1 }), method: param.enum(['a', 'b'], { default: 'a' }) },
    },
    compute: (ctx) => ctx.input('ret'),
  }),
);
report('registry: validate and register 1,000 factor plugins in one batch', [
  await measure('register 1,000 plugins', () => createRegistry().register(plugins), { iterations: 10 }),
]);
