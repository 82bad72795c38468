/**
 * A variable of an environment object: only its own text. A name from a configuration (a provider's `apiKeyEnv`
 * or `baseUrlEnv`) may be `__proto__` or `constructor`, which read Object.prototype's members otherwise.
 */
export function environmentVariable(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  if (!Object.hasOwn(env, name)) return undefined;
  const value: unknown = env[name];
  return typeof value === 'string' ? value : undefined;
}
