/**
 * `envFile` in the gateway's configuration: a file of `NAME=value` lines (the format of Node's `--env-file`, read by
 * `util.parseEnv`), whose variables are read over the process's environment, at start and at every reload. A running
 * process's environment cannot be changed from outside it, while a file can: a Kubernetes Secret mounted as a volume
 * is updated in place, one given as environment variables only by a new pod (kubernetes/kubernetes#22368, as the
 * mhausenblas gist "configmap updates" shows it). So a key rotated in this file reaches the gateway with `kill -HUP`.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { InvalidArgumentError } from '../errors.js';

const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where a path the configuration gives points (`envFile`, `tls`): a relative one is read from the configuration file's directory, as its author sees it. */
export function configRelativePath(path: string, configPath: string | undefined): string {
  return configPath === undefined ? resolve(path) : resolve(dirname(configPath), path);
}

/**
 * The variables of the file at `path`. Unreadable, or with a line that is no `NAME=value`, it is an
 * InvalidArgumentError naming the file and never quoting its lines (each may hold a key).
 */
export async function readEnvFile(path: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new InvalidArgumentError({
      argument: 'config.envFile',
      message: `Gateway configuration: envFile: cannot read ${path}${typeof code === 'string' ? ` (${code})` : ''}.`,
    });
  }
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(parseEnv(text))) {
    // parseEnv reads a line without `=` as the start of the next variable's name: `name` then holds the line.
    if (!variableNamePattern.test(name)) {
      throw new InvalidArgumentError({
        argument: 'config.envFile',
        message: `Gateway configuration: envFile: ${path} has a line that is no NAME=value (a name of letters, digits and _; # begins a comment).`,
      });
    }
    if (value !== undefined) variables[name] = value;
  }
  return variables;
}
