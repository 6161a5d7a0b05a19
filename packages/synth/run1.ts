import { generateMarket } from './src/index.js';
const t0 = performance.now();
const m = generateMarket({ stocks: Number(process.argv[2] ?? 400), years: Number(process.argv[3] ?? 3) });
const t1 = performance.now();
console.log('ms', (t1 - t0).toFixed(0), 'rss MiB', (process.resourceUsage().maxRSS / 1024).toFixed(0));
console.log(m.truth.stats);
console.log(m.truth.indexSizes);
