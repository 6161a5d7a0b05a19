import { FactorkitError, type MarketData } from '@factorkit/core';
import { atomicDirectory, writeFileAtomic } from '@factorkit/core/node';
import { type Table, createDataset, loadDataset, writeDatasetTables } from '@factorkit/data';
import { type MarketOptions, generateMarket } from '@factorkit/synth';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CliIo } from './io.js';
import { cliPackageDir } from './plugins.js';

/**
 * The synthetic market of the demo: 2,000 stocks over four years, 2020 → 2023 (its CSI 1000 has
 * about 700 constituents: the generator scales index sizes to the stocks listed). The two years
 * before the backtest feed the factors' lookbacks (a year) and the first trainings. Fixed, so
 * the cache is reused by every run.
 */
export const DEMO_MARKET: Readonly<Required<Pick<MarketOptions, 'seed' | 'stocks' | 'years' | 'start' | 'funds'>>> = Object.freeze({
  seed: 1,
  stocks: 2000,
  years: 4,
  start: '2020-01-02',
  funds: 0,
});

/** The file that marks a folder as the demo market's cache, written last. */
const MARKER = 'demo-market.json';
const FORMAT = 'csv.gz';

/** `$XDG_CACHE_HOME/factorkit/demo-market`, else `~/.cache/factorkit/demo-market`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'factorkit', 'demo-market');
}

function synthVersion(): string {
  const require = createRequire(join(cliPackageDir, 'package.json'));
  return (require('@factorkit/synth/package.json') as { version: string }).version;
}

/** What the marker holds: a cache is reused only when it equals this. */
function marker(): string {
  return `${JSON.stringify({ generator: `@factorkit/synth@${synthVersion()}`, options: DEMO_MARKET, format: FORMAT }, null, 2)}\n`;
}

/**
 * The demo market: read from `cacheDir` when a previous run left it there (the marker equals this
 * version's), else generated, used at once, and written to `cacheDir` atomically for the next run.
 * Progress lines go to `io.stderr`.
 */
export async function demoMarket(cacheDir: string, io: Pick<CliIo, 'stderr'>): Promise<{ data: MarketData; generated: boolean }> {
  const expected = marker();
  const found = await readFile(join(cacheDir, MARKER), 'utf8').catch(() => undefined);
  if (found === expected) {
    const started = performance.now();
    try {
      const load = await loadDataset(cacheDir);
      io.stderr(`read the synthetic market from ${cacheDir} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
      return { data: load.dataset, generated: false };
    } catch (error) {
      io.stderr(`warning: the cached synthetic market in ${cacheDir} could not be read (${error instanceof Error ? error.message : String(error)}); generating it again\n`);
    }
  } else if (found !== undefined) {
    io.stderr(`the cached synthetic market in ${cacheDir} is from another version; generating it again\n`);
  }
  // A folder that is not a cache is never replaced: refused before the work, not after it.
  const entries = found === undefined ? await readdir(cacheDir).catch(() => [] as string[]) : [];
  if (entries.length > 0) {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `--cache: \`${cacheDir}\` holds files and is not a synthetic-market cache (no \`${MARKER}\`); give a new or empty folder`, {
      details: { path: cacheDir },
    });
  }
  // The cache's parent (`~/.cache/factorkit` on a fresh machine) is made before the work, so a bad --cache fails at once.
  await mkdir(dirname(cacheDir), { recursive: true });
  let started = performance.now();
  io.stderr(`generating the synthetic market (${DEMO_MARKET.stocks} stocks, ${DEMO_MARKET.years} years from ${DEMO_MARKET.start}) …\n`);
  const market = generateMarket(DEMO_MARKET);
  io.stderr(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  started = performance.now();
  await writeCache(cacheDir, market.tables, expected);
  io.stderr(`cached in ${cacheDir} (${((performance.now() - started) / 1000).toFixed(1)} s); the next run reads it from there\n`);
  return { data: createDataset(market.tables, { source: 'synthetic demo market' }).dataset, generated: true };
}

async function writeCache(cacheDir: string, tables: ReadonlyMap<string, Table>, markerText: string): Promise<void> {
  await atomicDirectory(
    cacheDir,
    async (temporary) => {
      await writeDatasetTables(temporary, tables, { format: FORMAT });
      await writeFileAtomic(join(temporary, MARKER), markerText, '--cache');
    },
    // A previous cache (stale or broken) is replaced; any other non-empty folder is left alone.
    { replace: (entries) => entries.includes(MARKER), owner: '--cache' },
  );
}
