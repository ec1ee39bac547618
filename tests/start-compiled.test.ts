/**
 * `npm start` runs the compiled bot from dist/ through scripts/start.mjs, which
 * builds first when dist/ is missing or older than its sources. Three layers:
 * the staleness rule on temp folders with set mtimes; the launcher building,
 * skipping and failing on a small project of its own; and the launcher starting
 * the real compiled bot against the local Discord stand-in.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staleReason } from '../scripts/build.mjs';
import { DEFAULT_CONTENT_DIR } from '../src/content/paths.js';
import { LocalDiscord } from '../tools/local-discord/index.js';
import { ROOT, startChildBot } from './support/child-bot.js';
import { tempDir } from './support/temp.js';

const HOUR = 3_600_000;

/** Writes `files` under `dir` (folders made as needed), all dated `at`, folders included. */
function writeTree(dir: string, files: Record<string, string>, at: Date): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  for (const path of Object.keys(files)) {
    for (let p = path; p !== '.'; p = dirname(p)) utimesSync(join(dir, p), at, at);
  }
}

describe('when dist/ needs a build', () => {
  let tmp: ReturnType<typeof tempDir>;
  // Sources an hour older than the build, the build an hour older than now: whatever the test touches is newer than both.
  const sourcesAt = new Date(Date.now() - 2 * HOUR);
  const builtAt = new Date(Date.now() - HOUR);
  const project = (withBuild = true) => {
    const dir = join(tmp.dir, `p${Math.random().toString(36).slice(2)}`);
    writeTree(
      dir,
      {
        'package.json': '{}',
        'tsconfig.json': '{}',
        'tsconfig.build.json': '{}',
        'src/index.ts': 'export {};',
        'src/quiz/round.ts': 'export {};',
        'src/quiz/old.ts': 'export {};',
        'src/content/pack/questions.json': '{}',
      },
      sourcesAt,
    );
    if (withBuild) writeTree(dir, { 'dist/.built': '', 'dist/index.js': '' }, builtAt);
    return dir;
  };

  beforeAll(() => {
    tmp = tempDir('sourcing-bot-stale-');
  });
  afterAll(() => tmp.cleanup());

  it('builds when dist/ has never been built', () => {
    expect(staleReason(project(false))).toBe('dist/ has not been built yet');
  });

  it('does not build when every source is older than the last build', () => {
    expect(staleReason(project())).toBeUndefined();
  });

  it('builds when a source file is newer than the last build, and names it', () => {
    const dir = project();
    writeFileSync(join(dir, 'src/quiz/round.ts'), 'export const changed = true;');
    expect(staleReason(dir)).toBe('src/quiz/round.ts changed since the last build');
  });

  it('builds when a source file was deleted (its folder changed)', () => {
    const dir = project();
    rmSync(join(dir, 'src/quiz/old.ts'));
    expect(staleReason(dir)).toBe('src/quiz/ gained or lost a file since the last build');
  });

  it.each(['package.json', 'tsconfig.build.json', 'tsconfig.json'])('builds when %s is newer than the last build', (file) => {
    const dir = project();
    writeFileSync(join(dir, file), '{ "changed": true }');
    expect(staleReason(dir)).toBe(`${file} changed since the last build`);
  });

  it('does not build for an edit to the content pack, which is read from src/ at run time', () => {
    const dir = project();
    writeFileSync(join(dir, 'src/content/pack/questions.json'), '{ "questions": [] }');
    expect(staleReason(dir)).toBeUndefined();
  });

  it('goes by the stamp of the last good build, not by what happens to be in dist/', () => {
    // A failed build leaves tsc's files newer than the sources, but no new stamp.
    const dir = project();
    writeFileSync(join(dir, 'src/index.ts'), 'export const x: number = "not a number";');
    writeFileSync(join(dir, 'dist/.tsbuildinfo'), '{}');
    writeFileSync(join(dir, 'dist/index.js'), '');
    expect(staleReason(dir)).toBe('src/index.ts changed since the last build');
  });
});

/** Runs the launcher in `dir` and collects what it printed. */
function launch(dir: string): Promise<{ code: number; pid: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [join(dir, 'scripts/start.mjs')], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? -1) : 0, pid: child.pid ?? -1, stdout, stderr });
    });
  });
}

describe('the launcher on a small project', () => {
  // The launcher and the build config are the real ones, copied beside a two-file src/; node_modules is linked.
  let tmp: ReturnType<typeof tempDir>;
  let dir: string;
  const index = (greeting: string) =>
    `import { relative } from 'node:path';\nimport { fileURLToPath } from 'node:url';\nimport { extra } from './extra.js';\n` +
    `const greeting: string = '${greeting}';\n` +
    `console.log(JSON.stringify({ greeting, extra, file: relative(process.cwd(), fileURLToPath(import.meta.url)), pid: process.pid }));\n`;

  beforeAll(() => {
    tmp = tempDir('sourcing-bot-launcher-');
    dir = tmp.dir;
    for (const file of ['scripts/start.mjs', 'scripts/build.mjs', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(ROOT, file), join(dir, file));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/index.ts'), index('first'));
    writeFileSync(join(dir, 'src/extra.ts'), 'export const extra = 1;\n');
    writeFileSync(join(dir, 'src/gone.ts'), 'export const gone = true;\n');
  });
  afterAll(() => tmp.cleanup());

  it('builds when dist/ is missing, does not build again when nothing changed, rebuilds after an edit, and refuses to start a broken build', { timeout: 90_000 }, async () => {
    const first = await launch(dir);
    expect(first.stderr).toBe('Building dist/ from src/ (dist/ has not been built yet) …\n');
    expect(first.code).toBe(0);
    // The compiled file ran, inside the launcher's own process.
    expect(JSON.parse(first.stdout)).toEqual({ greeting: 'first', extra: 1, file: 'dist/index.js', pid: first.pid });
    expect(existsSync(join(dir, 'dist/gone.js'))).toBe(true);

    const again = await launch(dir);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout)).toMatchObject({ greeting: 'first', file: 'dist/index.js' });

    writeFileSync(join(dir, 'src/index.ts'), index('second'));
    rmSync(join(dir, 'src/gone.ts'));
    const edited = await launch(dir);
    expect(edited.stderr).toMatch(/^Building dist\/ from src\/ \((src\/index\.ts changed|src\/ gained or lost a file) since the last build\) …\n$/);
    expect(JSON.parse(edited.stdout)).toMatchObject({ greeting: 'second', file: 'dist/index.js' });
    // The output of a deleted source is removed, so an old module cannot be imported by mistake.
    expect(existsSync(join(dir, 'dist/gone.js'))).toBe(false);
    expect(existsSync(join(dir, 'dist/extra.js'))).toBe(true);

    writeFileSync(join(dir, 'src/index.ts'), index('third').replace("const greeting: string = 'third'", 'const greeting: number = "third"'));
    const broken = await launch(dir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('Building dist/ from src/');
    expect(broken.stderr).toMatch(/src\/index\.ts\(4,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
    expect(broken.stderr).toContain('The build failed, so nothing was started.');
    expect(broken.stdout).toBe('');
    // The last good build is intact, and the next start tries the build again instead of running it.
    expect(readFileSync(join(dir, 'dist/index.js'), 'utf8')).toContain("'second'");
    expect(staleReason(dir)).toBe('src/index.ts changed since the last build');
  });
});

describe('npm start on the real bot', () => {
  let discord: LocalDiscord;
  let tmp: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    discord = await LocalDiscord.start();
    tmp = tempDir('sourcing-bot-npm-start-');
  });
  afterAll(async () => {
    await discord.stop();
    tmp.cleanup();
  });

  it('finds the bundled pack in src/content/pack from the sources and from the build', async () => {
    const compiled = (await import(pathToFileURL(join(ROOT, 'dist/content/paths.js')).href)) as { DEFAULT_CONTENT_DIR: string };
    expect(DEFAULT_CONTENT_DIR).toBe(join(ROOT, 'src/content/pack'));
    expect(compiled.DEFAULT_CONTENT_DIR).toBe(join(ROOT, 'src/content/pack'));
  });

  it('starts the compiled bot without building (the test run built dist/), serves /help with the bundled pack, and stops on SIGTERM', { timeout: 30_000 }, async () => {
    expect(staleReason()).toBeUndefined();
    const bot = await startChildBot({
      launcher: true,
      // No CONTENT_DIR: the compiled bot must find the bundled pack from dist/content/.
      env: { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.apiUrl, STORAGE_URL: `sqlite://${join(tmp.dir, 'bot.sqlite')}`, LOG_LEVEL: 'info' },
    });
    try {
      expect(bot.stderr()).toBe('');
      // The bot logs from the launcher's own process: no second node process stands in between.
      expect(bot.logs().find((l) => l.msg === 'ready')?.pid).toBe(bot.pid);

      const reply = await discord.runCommand({ user: discord.member, channelId: discord.channels.general.id, name: 'help' }).reply();
      expect(reply.flags).toBe(64);
      const { title } = JSON.parse(readFileSync(join(ROOT, 'src/content/pack/article.json'), 'utf8')) as { title: string };
      expect(reply.embeds?.[0]?.description).toContain(title);

      bot.kill('SIGTERM');
      expect((await bot.exited).code).toBe(0);
      expect(bot.logs().some((l) => l.msg === 'shutting down')).toBe(true);
    } finally {
      await bot.dispose();
    }
  });
});
