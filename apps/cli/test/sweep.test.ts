/**
 * `factorkit sweep` on a small synthetic market (400 stocks, two years): the same five files
 * whether the variants run in this thread, on two worker threads or on two `factorkit worker`
 * processes through Redis; each variant's metrics equal `factorkit backtest` of that variant
 * written out by hand (another command, another code path); a variant that fails is written
 * and reported with exit 3; bad input is refused before anything is written.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, TINY_STRATEGY, readCsv, runCli } from './helpers.js';
import { type RedisServer, runnable, sharedRedis, startWorker, stopWorkers, until } from './queue-helpers.js';

let root: string;
const cli = (args: string[]): Promise<CliResult> => runCli(args, root);

const BASE = TINY_STRATEGY;

/** Two parameters that change the result (the turnover limit, the model) and a hostile description. */
const GRID = `# a test sweep
name: tiny-grid
strategy: base.yaml
grid:
  constraints[turnover-limit].params.limit: [0.1, 0.3]
  model.id: [equal, ic]
variants:
  - name: tiny-hostile
    set:
      model.window: 30
      description: "<script>alert(1)</script>"
`;

/** The variant `tiny-grid-1` (turnover limit 0.1, IC weights) as a strategy file of its own. */
const VARIANT_1 = BASE.replace('name: tiny', 'name: tiny-grid-1').replace('  id: equal', '  id: ic').concat(`constraints:
  - id: fully-invested
  - id: long-only
  - id: stock-deviation
    params: { limit: 0.01 }
  - id: industry-neutral
  - id: style-exposure
    params: { styles: [size], missing: zero }
  - id: constituent-share
    params: { min: 0.8 }
  - id: turnover-limit
    params: { limit: 0.1, side: one-way }
  - id: tradability
`);

const FILES = ['daily.csv', 'report.html', 'summary.json', 'sweep.csv', 'sweep.json'];

/** Every file of an output folder, by name. */
function folder(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'factorkit-cli-sweep-'));
  const synth = await cli(['data', 'synth', '--out', 'market', '--stocks', '400', '--years', '2', '--seed', '5', '--format', 'csv']);
  if (synth.code !== 0) throw new Error(`could not write the test market: ${synth.err}`);
  writeFileSync(join(root, 'base.yaml'), BASE);
  writeFileSync(join(root, 'grid.yaml'), GRID);
  writeFileSync(join(root, 'variant-1.yaml'), VARIANT_1);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('factorkit sweep', () => {
  it('writes the same files in this thread and on two worker threads; the ranking on stdout; every variant’s metrics equal `factorkit backtest` of it', async () => {
    const inThread = await cli(['sweep', '--config', 'grid.yaml', '--data', 'market', '--out', 'out-0', '--workers', '0']);
    expect(inThread.err).not.toContain('error');
    expect(inThread.code).toBe(0);
    expect(inThread.err).toContain('sweep tiny-grid: 5 variants over constraints[turnover-limit].params.limit (2), model.id (2), model.window (1), description (1)');
    expect(inThread.err).toContain('running 5 variants on this thread');
    const threads = await cli(['sweep', '--config', 'grid.yaml', '--data', 'market', '--out', 'out-2', '--workers', '2']);
    expect(threads.code).toBe(0);
    expect(threads.err).toContain('running 5 variants on 2 worker threads');
    expect(Object.keys(folder(join(root, 'out-0')))).toEqual(FILES);
    expect(folder(join(root, 'out-2'))).toEqual(folder(join(root, 'out-0')));
    expect(threads.out).toBe(inThread.out.replaceAll('out-0', 'out-2').replace(/\(\d+\.\d s with loading\)/, threads.out.match(/\(\d+\.\d s with loading\)/)![0]));

    const sweep = readCsv(join(root, 'out-0', 'sweep.csv')).rows;
    expect(sweep.map((r) => [r.name, r['constraints[turnover-limit].params.limit'], r['model.id'], r.status])).toEqual([
      ['tiny-grid-0', '0.1', 'equal', 'ok'],
      ['tiny-grid-1', '0.1', 'ic', 'ok'],
      ['tiny-grid-2', '0.3', 'equal', 'ok'],
      ['tiny-grid-3', '0.3', 'ic', 'ok'],
      ['tiny-hostile', '', '', 'ok'],
    ]);
    // The parameters matter: four grid variants, four different results.
    expect(new Set(sweep.slice(0, 4).map((r) => r.annual_excess)).size).toBe(4);
    // The ranking: best information ratio first, the parameters as written.
    const ranked = [...sweep].sort((a, b) => Number(b.information_ratio) - Number(a.information_ratio));
    const lines = inThread.out.split('\n');
    expect(lines[0]).toMatch(/^variant +constraints\[turnover-limit\]\.params\.limit +model\.id +model\.window +description +annual excess +tracking error +IR/);
    expect(lines.slice(1, 6).map((l) => l.split(/\s+/)[0])).toEqual(ranked.map((r) => r.name));
    expect(inThread.out).toContain(`report: ${join(root, 'out-0', 'report.html')}`);

    // Variant 1 run by `factorkit backtest` from its own file: the same metrics (written by another writer from another run).
    const single = await cli(['backtest', '--config', 'variant-1.yaml', '--data', 'market', '--out', 'single']);
    expect(single.code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(root, 'single', 'metrics.json'), 'utf8')) as Record<string, number>;
    const row = sweep[1]!;
    for (const column of ['annual_return', 'benchmark_annual_return', 'annual_excess', 'tracking_error', 'information_ratio', 'max_drawdown', 'excess_max_drawdown', 'turnover', 'cost_drag']) {
      expect(Number(row[column]), column).toBe(metrics[column]);
    }
    // The daily NAV of the variant is the backtest's nav.csv.
    const nav = readCsv(join(root, 'single', 'nav.csv')).rows;
    const daily = readCsv(join(root, 'out-0', 'daily.csv')).rows.filter((r) => r.variant === 'tiny-grid-1');
    expect(daily.map((r) => r.date)).toEqual(nav.map((r) => r.trade_date));
    for (const [k, r] of daily.entries()) expect(Number(r.nav) / Number(daily[0]!.nav), r.date).toBeCloseTo(Number(nav[k]!.nav) / Number(nav[0]!.nav), 12);

    // A hostile text from the sweep file shows as text in the report, never as a tag.
    const html = readFileSync(join(root, 'out-0', 'report.html'), 'utf8');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  }, 300_000);

  it('writes a failed variant with its error, runs the others, and exits 3', async () => {
    writeFileSync(join(root, 'late.yaml'), `name: late\nstrategy: base.yaml\nvariants:\n  - name: late-ok\n    set: { model.window: 30 }\n  - name: late-bad\n    set: { start: 2030-01-07, end: 2030-06-28 }\n`);
    const { code, out, err } = await cli(['sweep', '--config', 'late.yaml', '--data', 'market', '--out', 'late', '--workers', '0']);
    expect(code).toBe(3);
    const rows = readCsv(join(root, 'late', 'sweep.csv')).rows;
    expect(rows.map((r) => r.status)).toEqual(['ok', 'failed']);
    expect(rows[1]!.error).not.toBe('');
    expect(err).toContain(`error: variant late-bad failed [`);
    expect(rows[1]!.error).toContain('strategy.start: `2030-01-07` is after the data');
    expect(err).toContain('strategy.start: `2030-01-07` is after the data');
    expect(out).toMatch(/late-ok .* ok\n.*late-bad .* failed/s);
  }, 120_000);

  it('keeps a value with a line break on one line of the ranking and in one CSV cell', async () => {
    writeFileSync(join(root, 'text.json'), JSON.stringify({ name: 'text', strategy: 'base.yaml', grid: { description: ['a,b "quoted"\nsecond line'] } }));
    const { code, out } = await cli(['sweep', '--config', 'text.json', '--data', 'market', '--out', 'text', '--workers', '0']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[1]).toMatch(/^text-0 +"a,b \\"quoted\\"\\nsecond line" +/);
    // One RFC 4180 cell: quoted, its quotes doubled, the line break inside.
    expect(readFileSync(join(root, 'text', 'sweep.csv'), 'utf8').split('\n')[1]).toMatch(/^0,text-0,ok,"a,b ""quoted""$/);
  }, 60_000);

  it('refuses a bad sweep file with its line, and conflicting flags, before writing anything', async () => {
    writeFileSync(join(root, 'bad.yaml'), `name: bad\nstrategy: base.yaml\ngrid:\n  objective.trackingError: [0.04, -1]\n  model.idd: [ic]\n`);
    const bad = await cli(['sweep', '--config', 'bad.yaml', '--data', 'market', '--out', 'bad-out']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('bad.yaml:4:');
    expect(bad.err).toContain('bad.yaml:5:');
    expect(bad.err).toContain('model.idd');
    expect(existsSync(join(root, 'bad-out'))).toBe(false);

    const both = await cli(['sweep', '--config', 'grid.yaml', '--data', 'market', '--out', 'both', '--workers', '2', '--queue', 'redis://user:secret@127.0.0.1:1']);
    expect(both.code).toBe(1);
    expect(both.err).toContain('--workers cannot be used with --queue');
    expect(both.err).not.toContain('secret');
    const workers = await cli(['sweep', '--config', 'grid.yaml', '--data', 'market', '--out', 'w', '--workers', 'two']);
    expect(workers.code).toBe(1);
    expect(workers.err).toContain('--workers: expected a whole number from 0 (no worker threads) to 256, got `two`');
    expect(existsSync(join(root, 'both'))).toBe(false);
    expect(existsSync(join(root, 'w'))).toBe(false);
  }, 60_000);
});

describe.skipIf(!runnable)('factorkit sweep --queue with two factorkit worker processes', () => {
  let redis: Pick<RedisServer, 'url' | 'stop'>;
  const queueName = `cli-sweep-${process.pid}-${Date.now().toString(36)}`;
  beforeAll(async () => {
    redis = await sharedRedis();
  });
  afterEach(stopWorkers);
  afterAll(() => redis?.stop());

  it('writes the files of the local run; a rerun enqueues nothing', async () => {
    const local = join(root, 'out-0');
    if (!existsSync(local)) expect((await cli(['sweep', '--config', 'grid.yaml', '--data', 'market', '--out', 'out-0', '--workers', '0'])).code).toBe(0);
    const workers = [0, 1].map(() => startWorker(['--queue', redis.url, '--queue-name', queueName, '--data', 'market'], root));
    await Promise.all(workers.map((w) => w.waitFor(/worker: ready on /)));
    const first = await cli(['sweep', '--config', 'grid.yaml', '--data', 'market', '--out', 'queued', '--queue', redis.url, '--queue-name', queueName]);
    expect(first.err).not.toContain('error');
    expect(first.code).toBe(0);
    expect(first.err).toContain('queue: 5 variant jobs: 5 enqueued, 0 reused');
    expect(folder(join(root, 'queued'))).toEqual(folder(local));
    // The workers computed the variants (a worker's line may reach its stderr after the client finished: waited for).
    const done = (): string[] => workers.flatMap((w) => [...w.log.matchAll(/worker: variant (\S+) done in/g)].map((m) => m[1]!));
    expect((await until(() => (done().length >= 5 ? done() : undefined), 15_000, () => `five done lines; seen ${done().join(', ')}`)).sort()).toEqual(['tiny-grid-0', 'tiny-grid-1', 'tiny-grid-2', 'tiny-grid-3', 'tiny-hostile']);

    stopWorkers();
    const again = await cli(['sweep', '--config', 'grid.yaml', '--data', 'market', '--out', 'queued', '--queue', redis.url, '--queue-name', queueName]);
    expect(again.code).toBe(0);
    expect(again.err).toContain('queue: 5 variant jobs: 0 enqueued, 5 reused');
    expect(folder(join(root, 'queued'))).toEqual(folder(local));
  }, 300_000);
});
