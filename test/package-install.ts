/**
 * Packs this repository with `npm pack` and installs the tarball into a new project with `npm ci --offline`, as a
 * user installs it from the registry, but without the network: the project's lock file names the tarball and
 * the packages it depends on at the versions, addresses and hashes this repository's own lock file holds, so
 * npm takes them from its cache, which `npm ci` here filled. Packages a consumer adds itself (`@types/node`) come
 * the same way.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunCommandOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
}

export function runCommand(options: RunCommandOptions): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      options.command,
      options.args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface PackedPackage {
  readonly tarballPath: string;
  readonly integrity: string;
  /** Paths inside the package, as `npm pack` lists them (`dist/index.js`, `package.json`, ...). */
  readonly files: readonly string[];
}

interface NpmPackEntry {
  readonly filename: string;
  readonly integrity: string;
  readonly files: readonly { readonly path: string }[];
}

export async function packPackage(options: { readonly root: string; readonly destination: string; readonly env: NodeJS.ProcessEnv }): Promise<PackedPackage> {
  const packed = await runCommand({
    command: 'npm',
    args: ['pack', '--json', '--ignore-scripts', '--pack-destination', options.destination],
    cwd: options.root,
    env: options.env,
  });
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [entry] = JSON.parse(packed.stdout) as NpmPackEntry[];
  if (!entry) throw new Error(`npm pack listed no package:\n${packed.stdout}`);
  return {
    tarballPath: join(options.destination, basename(entry.filename)),
    integrity: entry.integrity,
    files: entry.files.map((file) => file.path),
  };
}

interface LockEntry {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta?: Readonly<Record<string, { readonly optional?: boolean }>>;
  readonly [field: string]: unknown;
}

type LockPackages = Readonly<Record<string, LockEntry>>;

/** Where Node finds `name` from the package at `fromPath` (`''` for the root): its own node_modules, then up. */
function lockPathOf(packages: LockPackages, fromPath: string, name: string): string {
  let directory = fromPath;
  for (;;) {
    const candidate = `${directory === '' ? '' : `${directory}/`}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (directory === '') throw new Error(`the lock file holds no ${name} reachable from ${fromPath || 'the root'}`);
    const parentEnd = directory.lastIndexOf('/node_modules/');
    directory = parentEnd < 0 ? '' : directory.slice(0, parentEnd);
  }
}

/** The lock file paths of `names` and everything they need (required peers included), as installed here. */
export function dependencyClosure(packages: LockPackages, names: readonly string[]): string[] {
  const found = new Set<string>();
  const pending = names.map((name) => ({ fromPath: '', name }));
  for (let next = pending.pop(); next; next = pending.pop()) {
    const path = lockPathOf(packages, next.fromPath, next.name);
    if (found.has(path)) continue;
    found.add(path);
    const entry = packages[path] ?? {};
    const requiredPeers = Object.keys(entry.peerDependencies ?? {}).filter((peer) => entry.peerDependenciesMeta?.[peer]?.optional !== true);
    for (const name of [...Object.keys({ ...entry.dependencies, ...entry.optionalDependencies }), ...requiredPeers]) {
      pending.push({ fromPath: path, name });
    }
  }
  return [...found].sort();
}

export interface ConsumerProjectOptions {
  readonly root: string;
  readonly projectDirectory: string;
  readonly packed: PackedPackage;
  /** Packages the consumer installs beside backup-models, at the versions this repository's lock file holds. */
  readonly consumerPackages: readonly string[];
}

/** Writes the consumer's package.json and package-lock.json: backup-models from the tarball, and what it needs. */
export function writeConsumerProject(options: ConsumerProjectOptions): void {
  const manifest = JSON.parse(readFileSync(join(options.root, 'package.json'), 'utf8')) as Record<string, unknown> & {
    readonly name: string;
    readonly version: string;
    readonly dependencies: Readonly<Record<string, string>>;
  };
  const repositoryLock = JSON.parse(readFileSync(join(options.root, 'package-lock.json'), 'utf8')) as { readonly packages: LockPackages };
  const tarballSpec = `file:${options.packed.tarballPath}`;
  const consumerVersions = Object.fromEntries(
    options.consumerPackages.map((name) => [name, repositoryLock.packages[`node_modules/${name}`]?.version ?? 'missing']),
  );
  const dependencies = { [manifest.name]: tarballSpec, ...consumerVersions };
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', version: '1.0.0', dependencies },
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: tarballSpec,
      integrity: options.packed.integrity,
      ...pick(manifest, ['license', 'dependencies', 'bin', 'engines', 'peerDependencies', 'peerDependenciesMeta']),
    },
  };
  for (const path of dependencyClosure(repositoryLock.packages, [...Object.keys(manifest.dependencies), ...options.consumerPackages])) {
    // The flags say how the package is used in this repository (a dev dependency, say), not in the consumer.
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = repositoryLock.packages[path] ?? {};
    packages[path] = entry;
  }
  const lock = { name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
  writeFileSync(join(options.projectDirectory, 'package.json'), `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies }, null, 2)}\n`);
  writeFileSync(join(options.projectDirectory, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
}

function pick(source: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}

/** `npm ci --offline`: everything from npm's cache; an uncached package fails the install (ENOTCACHED). */
export async function installOffline(options: { readonly projectDirectory: string; readonly env: NodeJS.ProcessEnv }): Promise<void> {
  const installed = await runCommand({
    command: 'npm',
    args: ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'],
    cwd: options.projectDirectory,
    env: options.env,
  });
  if (installed.code === 0) return;
  const hint = /ENOTCACHED/.test(installed.stderr)
    ? "npm's cache lacks a package this repository's lock file names: run `npm ci` here first (it fills the cache).\n"
    : '';
  throw new Error(`npm ci --offline failed in ${options.projectDirectory}:\n${hint}${installed.stderr}`);
}
