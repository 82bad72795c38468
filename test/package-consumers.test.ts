/**
 * The published package as Node.js developers consume it: `npm pack`, then `npm ci --offline` of the tarball into
 * a new project in a temporary folder (no network: see package-install.ts), then the programs in
 * test/package-consumers/ load every entry point by `import` and by `require()`, typecheck against the shipped
 * declarations under each `moduleResolution` with `strict` and `skipLibCheck: false` and run compiled, and the
 * `backup-models` command runs from the project's node_modules/.bin.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installOffline, packPackage, runCommand, writeConsumerProject, type CommandResult, type PackedPackage } from './package-install.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const consumerSources = join(root, 'test', 'package-consumers');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  readonly dependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly bin: Readonly<Record<string, string>>;
};
/** Node runs `require()` of an ES module without a flag from 20.19 and 22.12 (`process.features.require_module`). */
const requireOfModules = (process.features as { readonly require_module?: boolean }).require_module === true;

/** What a user's shell has; no provider key and no BACKUP_MODELS_FIXTURES_DIR, so the shipped recordings are read. */
const userEnvironment: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('BACKUP_MODELS_') && !name.endsWith('_API_KEY') && !name.endsWith('_BASE_URL')),
);

function newestMs(directory: string, accept: (name: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && accept(entry.name)) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

let workDirectory: string;
let projectDirectory: string;
let packed: PackedPackage;

beforeAll(async () => {
  // `npm test` builds first. Run alone, this file does not build (another file's child processes may be running
  // dist/ meanwhile, and the build empties it): it stops, saying what to do.
  const distIndex = join(root, 'dist', 'index.js');
  const sourcesMs = newestMs(join(root, 'src'), (name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
  if (!existsSync(distIndex) || statSync(distIndex).mtimeMs < sourcesMs) throw new Error('dist/ is missing or older than src/: run `npm run build` first');
  workDirectory = mkdtempSync(join(tmpdir(), 'backup-models-package-'));
  projectDirectory = join(workDirectory, 'app');
  mkdirSync(projectDirectory);
  packed = await packPackage({ root, destination: workDirectory, env: userEnvironment });
  // @types/node and @ai-sdk/provider (the optional peer of backup-models/ai-sdk) are the consumer's own.
  writeConsumerProject({ root, projectDirectory, packed, consumerPackages: ['@types/node', '@ai-sdk/provider'] });
  await installOffline({ projectDirectory, env: userEnvironment });
  for (const [folder, type] of [['esm', 'module'], ['cjs', 'commonjs']] as const) {
    cpSync(consumerSources, join(projectDirectory, folder), { recursive: true });
    writeFileSync(join(projectDirectory, folder, 'package.json'), JSON.stringify({ private: true, type }));
  }
}, 180_000);

afterAll(() => {
  if (workDirectory) rmSync(workDirectory, { recursive: true, force: true });
});

function runNode(folder: string, script: string): Promise<CommandResult> {
  return runCommand({ command: process.execPath, args: [script], cwd: join(projectDirectory, folder), env: userEnvironment, timeoutMs: 30_000 });
}

async function sourceExports(): Promise<Record<string, string[]>> {
  const entries: Record<string, string> = {
    'backup-models': '../src/index.js',
    'backup-models/ai-sdk': '../src/ai-sdk/index.js',
    'backup-models/shared-state': '../src/shared-state/index.js',
    'backup-models/testing': '../src/testing/index.js',
  };
  const names: Record<string, string[]> = {};
  for (const [entryPoint, path] of Object.entries(entries)) names[entryPoint] = Object.keys((await import(path)) as object).sort();
  return names;
}

const shippedFixtures = (): string => join(projectDirectory, 'node_modules', 'backup-models', 'dist', 'testing', 'fixtures');

describe('the packed tarball', () => {
  it('holds the built library, its declarations, the command, the recorded responses and the license, and no tests', () => {
    expect(packed.files).toContain('LICENSE');
    const outside = packed.files.filter((path) => !path.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(path));
    expect(outside).toEqual([]);
    expect(packed.files.filter((path) => /\.(test|test-support|case)\.(js|d\.ts|js\.map)$/.test(path))).toEqual([]);
    // Every module is built from a source of today's tree: nothing left over from a renamed or deleted file.
    const compiled = packed.files.filter((path) => path.endsWith('.js') && !path.startsWith('dist/testing/fixtures/'));
    expect(compiled.filter((path) => !existsSync(join(root, 'src', path.slice('dist/'.length).replace(/\.js$/, '.ts'))))).toEqual([]);
    const fixtures = packed.files.filter((path) => path.startsWith('dist/testing/fixtures/'));
    expect(fixtures.filter((path) => /\.request(-headers)?\.(json|txt)$/.test(path))).toEqual([]);
    expect(fixtures).toContain('dist/testing/fixtures/SOURCES.md');
    for (const entryPoint of ['index', 'ai-sdk/index', 'shared-state/index', 'testing/index']) {
      expect(packed.files).toEqual(expect.arrayContaining([`dist/${entryPoint}.js`, `dist/${entryPoint}.d.ts`]));
    }
    expect(packed.files).toContain(manifest.bin['backup-models']?.replace(/^\.\//, ''));
  });

  it('imports no package at run time but its dependencies, its optional peers and Node built-ins', () => {
    const installed = join(projectDirectory, 'node_modules', 'backup-models', 'dist');
    const allowed = new Set([...Object.keys(manifest.dependencies), ...Object.keys(manifest.peerDependencies), ...builtinModules]);
    const undeclared = new Set<string>();
    for (const entry of readdirSync(installed, { withFileTypes: true, recursive: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
      const code = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      const statements = /^\s*(?:import|export)\b[^;]*?\bfrom\s*(['"])([^'"]+)\1|^\s*import\s*(['"])([^'"]+)\3|\bimport\(\s*(['"])([^'"]+)\5\s*\)/gm;
      for (const match of code.matchAll(statements)) {
        const specifier = match[2] ?? match[4] ?? match[6] ?? '';
        if (specifier.startsWith('.') || specifier.startsWith('node:')) continue;
        const packageName = specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
        if (!allowed.has(packageName)) undeclared.add(`${relative(installed, join(entry.parentPath, entry.name))}: ${specifier}`);
      }
    }
    expect([...undeclared]).toEqual([]);
  });

  it('installs without its optional peers (the AI SDK, the OTLP/gRPC exporter)', () => {
    expect(existsSync(join(projectDirectory, 'node_modules', 'ai'))).toBe(false);
    expect(existsSync(join(projectDirectory, 'node_modules', '@opentelemetry', 'exporter-trace-otlp-grpc'))).toBe(false);
    expect(existsSync(join(projectDirectory, 'node_modules', '@grpc', 'grpc-js'))).toBe(false);
  });
});

describe('JavaScript consumers', () => {
  it('import every entry point from ESM, and the router, the AI SDK model and the test server work', async () => {
    const run = await runNode('esm', 'import-entry-points.mjs');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { exports: unknown; helpers: unknown; complete: { provider: string; content: string }; aiSdk: string; fixturesDirectory: string };
    expect(output.exports).toEqual(await sourceExports());
    expect(output.helpers).toEqual(['function', 'function']);
    expect(output.complete.provider).toBe('openai');
    expect(output.complete.content).not.toBe('');
    expect(output.aiSdk).not.toBe('');
    expect(output.fixturesDirectory).toBe(shippedFixtures());
  });

  it.runIf(requireOfModules)('require() every entry point from CommonJS (Node 20.19+, 22.12+), the same modules as import', async () => {
    const run = await runNode('cjs', 'require-entry-points.cjs');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as { exports: unknown; complete: { provider: string; content: string }; fixturesDirectory: string };
    expect(output.exports).toEqual(await sourceExports());
    expect(output.complete.provider).toBe('google');
    expect(output.complete.content).not.toBe('');
    expect(output.fixturesDirectory).toBe(shippedFixtures());
  });
  if (!requireOfModules) console.warn(`Node ${process.version} cannot require() an ES module: the CommonJS check did not run.`);
});

interface TypeScriptCase {
  readonly name: string;
  readonly folder: 'esm' | 'cjs';
  readonly compilerOptions: Readonly<Record<string, string>>;
}

const typeScriptCases: readonly TypeScriptCase[] = [
  { name: 'nodenext, ESM', folder: 'esm', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'nodenext, CommonJS', folder: 'cjs', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } },
  { name: 'node16, ESM', folder: 'esm', compilerOptions: { module: 'node16', moduleResolution: 'node16' } },
  { name: 'bundler', folder: 'esm', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } },
  // NestJS's default: `module: commonjs`, which resolves as node10 (no "exports"; subpaths by "typesVersions").
  { name: 'node10, module commonjs', folder: 'cjs', compilerOptions: { module: 'commonjs', moduleResolution: 'node10' } },
];

const typeScriptCaseId = (typeScriptCase: TypeScriptCase): string => typeScriptCase.name.replace(/\W+/g, '-');

/**
 * What `tsc --build --verbose` printed while building each project, by tsconfig path. One build of all the
 * projects, rather than one `tsc -p` each, parses the declarations (@types/node's, ours) once: half the time.
 */
function buildOutputByProject(output: string): Map<string, string> {
  const sections = new Map<string, string>();
  let project: string | undefined;
  for (const line of output.split('\n')) {
    const status = / - (?:Building project '([^']+)'|Project '|Projects in this build)/.exec(line);
    if (status) project = status[1];
    else if (project !== undefined) sections.set(project, `${sections.get(project) ?? ''}${line}\n`);
  }
  return sections;
}

describe('TypeScript consumers (strict, skipLibCheck false)', () => {
  let buildOutput: Map<string, string>;
  const tsconfigPath = (typeScriptCase: TypeScriptCase): string =>
    join(projectDirectory, typeScriptCase.folder, `tsconfig.${typeScriptCaseId(typeScriptCase)}.json`);

  beforeAll(async () => {
    for (const typeScriptCase of typeScriptCases) {
      const outDir = `out/${typeScriptCaseId(typeScriptCase)}`;
      const compilerOptions = {
        ...typeScriptCase.compilerOptions,
        strict: true,
        skipLibCheck: false,
        target: 'ES2022',
        lib: ['ES2022'],
        types: ['node'],
        outDir,
        tsBuildInfoFile: `${outDir}/tsconfig.tsbuildinfo`,
      };
      const files = ['consumer.ts', 'ai-sdk-consumer.ts', 'json-schema.d.ts'];
      writeFileSync(tsconfigPath(typeScriptCase), JSON.stringify({ compilerOptions, files }));
    }
    const built = await runCommand({
      command: process.execPath,
      args: [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--build', '--verbose', ...typeScriptCases.map(tsconfigPath)],
      cwd: projectDirectory,
      env: userEnvironment,
      timeoutMs: 120_000,
    });
    buildOutput = buildOutputByProject(built.stdout);
  }, 150_000);

  it.each(typeScriptCases)('$name: the shipped declarations typecheck, and the compiled program runs', async (typeScriptCase) => {
    const compilerOutput = buildOutput.get(tsconfigPath(typeScriptCase));
    expect(compilerOutput, 'the project was not built').toBeDefined();
    expect(compilerOutput?.trim()).toBe('');
    if (typeScriptCase.folder === 'cjs' && !requireOfModules) return;
    const run = await runNode(typeScriptCase.folder, `out/${typeScriptCaseId(typeScriptCase)}/consumer.js`);
    expect(run.stderr).toBe('');
    const output = JSON.parse(run.stdout) as { provider: string; content: string; streamed: string; fixturesDirectory: string };
    expect(output.provider).toBe('groq');
    expect(output.content).not.toBe('');
    expect(output.streamed).not.toBe('');
    expect(output.fixturesDirectory).toBe(shippedFixtures());
  });
});

describe('the backup-models command', () => {
  const npx = (args: readonly string[]) =>
    runCommand({ command: 'npx', args: ['--offline', 'backup-models', ...args], cwd: projectDirectory, env: userEnvironment, timeoutMs: 30_000 });

  it('prints its help', async () => {
    const help = await npx(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: backup-models <command>/);
  });

  it('refuses at start to trace over gRPC without the optional exporter, saying what to install', async () => {
    const serve = await runCommand({
      command: 'npx',
      args: ['--offline', 'backup-models', 'serve', '--port', '0'],
      cwd: projectDirectory,
      env: { ...userEnvironment, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      timeoutMs: 30_000,
    });
    expect(serve.code, serve.stderr).toBe(2);
    expect(serve.stderr).toContain('OTEL_EXPORTER_OTLP_PROTOCOL=grpc needs @opentelemetry/exporter-trace-otlp-grpc installed beside backup-models');
    expect(serve.stdout).not.toContain('listening');
  });

  it('runs the demo and stops by itself', async () => {
    const demo = await npx(['demo', '--port', '0', '--duration-ms', '1500']);
    expect(demo.stderr).toBe('');
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/Dashboard: http:\/\/127\.0\.0\.1:\d+\//);
    expect(demo.stdout).toMatch(/Stopped after [\d.]+ s: \d+ calls routed/);
  });
});
