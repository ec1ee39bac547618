/**
 * Compiles src/ to dist/ with the project's own TypeScript (tsconfig.build.json),
 * and tells whether dist/ is older than its sources. Plain JavaScript, because it
 * runs before anything is compiled: `npm run build` runs this file, and
 * scripts/start.mjs (`npm start`) calls it when dist/ is out of date.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Written after every successful build, with the time the build started as its
 * mtime, so a source saved while tsc was running still counts as newer. tsc's
 * own .tsbuildinfo cannot serve: it is written even when the build fails.
 */
const STAMP = '.built';
/** Besides src/: files that change what tsc emits (tsconfig.build.json extends tsconfig.json). */
const CONFIG_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json'];

/**
 * Why dist/ must be built before it can run, or undefined when it is up to date.
 * Inputs are the .ts files under src/, the folders under src/ (a folder's mtime
 * moves when a file in it is added, removed or renamed) and CONFIG_FILES. The
 * content pack's JSON is not an input: the bot reads it from src/content/pack at
 * run time, so editing it needs no build.
 * @param {string} [root]
 * @returns {string | undefined}
 */
export function staleReason(root = ROOT) {
  const stamp = mtimeOf(join(root, 'dist', STAMP));
  if (stamp === undefined) return 'dist/ has not been built yet';
  for (const file of CONFIG_FILES) {
    const mtime = mtimeOf(join(root, file));
    if (mtime !== undefined && mtime > stamp) return `${file} changed since the last build`;
  }
  const newer = buildInputs(join(root, 'src')).find((input) => input.mtime > stamp);
  if (newer) return `${relative(root, newer.path)}${newer.folder ? '/ gained or lost a file' : ' changed'} since the last build`;
  return undefined;
}

/**
 * Runs tsc on tsconfig.build.json. On success, removes the outputs of deleted
 * sources and stamps dist/; on failure, returns tsc's report and leaves the stamp
 * alone, so the next start tries again (noEmitOnError keeps the old files whole).
 * @param {string} [root]
 * @returns {{ ok: true } | { ok: false, output: string }}
 */
export function build(root = ROOT) {
  const startedAt = new Date();
  const dist = join(root, 'dist');
  const tsc = findTsc(root);
  if (!tsc) {
    return { ok: false, output: 'TypeScript is not installed, so dist/ cannot be built. Run `npm ci` (which installs the development dependencies), or build with `npm run build` where they are installed and copy dist/ over.' };
  }
  let run = runTsc(tsc, root);
  if (run.ok && compiledPaths(root).some((js) => !existsSync(js))) {
    // tsc's incremental record (dist/.tsbuildinfo) believes outputs exist that were deleted by hand: build everything.
    rmSync(join(dist, '.tsbuildinfo'), { force: true });
    run = runTsc(tsc, root);
  }
  if (!run.ok) return run;
  pruneOrphans(root);
  const stamp = join(dist, STAMP);
  writeFileSync(stamp, `${startedAt.toISOString()}\n`);
  utimesSync(stamp, startedAt, startedAt);
  return { ok: true };
}

/** @param {string} path */
function mtimeOf(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * @param {string} dir
 * @returns {Array<{ path: string, mtime: number, folder: boolean }>}
 */
function buildInputs(dir) {
  /** @type {Array<{ path: string, mtime: number, folder: boolean }>} */
  const inputs = [{ path: dir, mtime: statSync(dir).mtimeMs, folder: true }];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) inputs.push(...buildInputs(path));
    else if (entry.name.endsWith('.ts')) inputs.push({ path, mtime: statSync(path).mtimeMs, folder: false });
  }
  return inputs;
}

/** @param {string} root */
function findTsc(root) {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

/**
 * @param {string} tsc
 * @param {string} root
 * @returns {{ ok: true } | { ok: false, output: string }}
 */
function runTsc(tsc, root) {
  // tsc prints its errors on stdout; colour them when they end up on a terminal.
  const args = [tsc, '-p', join(root, 'tsconfig.build.json'), ...(process.stderr.isTTY ? ['--pretty'] : [])];
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (result.status === 0) return { ok: true };
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
  return { ok: false, output: output || `tsc failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})` };
}

/**
 * Where tsc puts the .js of every source under src/.
 * @param {string} root
 */
function compiledPaths(root) {
  return buildInputs(join(root, 'src'))
    .filter((input) => !input.folder && !input.path.endsWith('.d.ts'))
    .map((input) => join(root, 'dist', relative(join(root, 'src'), input.path)).replace(/\.ts$/, '.js'));
}

/**
 * Removes dist/ files whose source is gone, so a deleted module cannot be imported from an old build.
 * @param {string} root
 * @param {string} [dir]
 */
function pruneOrphans(root, dir = join(root, 'dist')) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      pruneOrphans(root, path);
      if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      continue;
    }
    const compiled = /\.js(\.map)?$/.exec(entry.name);
    if (!compiled) continue;
    const source = join(root, 'src', relative(join(root, 'dist'), path)).replace(/\.js(\.map)?$/, '.ts');
    if (!existsSync(source)) rmSync(path);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stderr.write('Building dist/ from src/ …\n');
  const result = build();
  if (!result.ok) {
    process.stderr.write(`${result.output}\n\nThe build failed; dist/ was not updated.\n`);
    process.exit(1);
  }
}
