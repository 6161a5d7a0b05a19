#!/usr/bin/env node
// The two commands of the README, runnable on a machine with only Node 20 and npm:
//
//   npm start   install the workspace, build it, run the main job (`factorkit demo`: a CSI 1000
//               enhanced backtest on the synthetic market, report.html)
//   npm test    install, build, typecheck, lint and test every package, then print one
//               `N passed, N failed, N skipped` line for the whole workspace
//
// pnpm is taken from PATH when it is pnpm 10; otherwise the pinned version is fetched
// with `npm exec` (no global install, no corepack: see ../../../README.md).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = /^pnpm@([^+]+)/.exec(rootManifest.packageManager)?.[1] ?? '10';

const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  DO_NOT_TRACK: '1',
  // pnpm must not try to download another copy of itself to match `packageManager`.
  COREPACK_ENABLE_STRICT: '0',
};
// Variables npm sets for its own child scripts that would otherwise leak into pnpm's config.
for (const key of Object.keys(env)) {
  if (key.startsWith('npm_config_') || key === 'npm_execpath' || key === 'npm_node_execpath') delete env[key];
}

function run(command, args, options = {}) {
  const printable = [command, ...args].join(' ');
  console.log(`\n> ${printable}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit', ...options });
  if (result.error) throw new Error(`could not run \`${printable}\`: ${result.error.message}`);
  return result.status ?? 1;
}

function findPnpm() {
  const probe = spawnSync('pnpm', ['--version'], { env, encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim().split('.')[0] === pnpmVersion.split('.')[0]) {
    return ['pnpm'];
  }
  return ['npm', 'exec', '--yes', `--package=pnpm@${pnpmVersion}`, '--', 'pnpm'];
}

const pnpm = findPnpm();
const pnpmRun = (args) => run(pnpm[0], [...pnpm.slice(1), ...args]);

function install() {
  const status = pnpmRun(['install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
}

const workspaceGlobs = [['packages'], ['plugins', '*'], ['apps']];
function packageDirs() {
  const dirs = [];
  for (const [top, nested] of workspaceGlobs) {
    const base = join(root, top);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (nested) {
        for (const inner of readdirSync(join(base, entry.name), { withFileTypes: true })) {
          if (inner.isDirectory()) dirs.push(join(base, entry.name, inner.name));
        }
      } else dirs.push(join(base, entry.name));
    }
  }
  return dirs.filter((dir) => existsSync(join(dir, 'package.json')));
}

function summarise() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const missing = [];
  for (const dir of packageDirs()) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (!manifest.scripts?.test) continue;
    const file = join(dir, 'test-results.json');
    if (!existsSync(file)) {
      missing.push(manifest.name);
      continue;
    }
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += report.numFailedTests ?? 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    // A suite that failed to load counts no test: count it as a failure.
    failed += (report.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0).length;
  }
  if (missing.length > 0) {
    console.log(`\nno test results from: ${missing.join(', ')} (their test task did not run to the end)`);
    failed += missing.length;
  }
  console.log('');
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  return failed;
}

const command = process.argv[2];
if (command === 'start') {
  install();
  let status = pnpmRun(['exec', 'turbo', 'run', 'build', '--filter=@factorkit/cli...']);
  if (status !== 0) process.exit(status);
  // The main job: the CSI 1000 enhanced strategy on the synthetic market (generated once, cached).
  status = run(process.execPath, [join(root, 'apps/cli/dist/bin.js'), 'demo', ...process.argv.slice(3)]);
  process.exit(status);
} else if (command === 'test') {
  install();
  for (const dir of packageDirs()) rmSync(join(dir, 'test-results.json'), { force: true });
  const status = pnpmRun(['exec', 'turbo', 'run', 'build', 'typecheck', 'lint', 'test', '--continue', '--concurrency=2']);
  const failed = summarise();
  process.exit(status !== 0 ? status : failed > 0 ? 1 : 0);
} else {
  console.error(`usage: node ${fileURLToPath(import.meta.url)} start|test`);
  process.exit(2);
}
