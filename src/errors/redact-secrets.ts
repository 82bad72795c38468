const secretPatterns: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]{8,}/g,
  /sk-[A-Za-z0-9_-]{8,}/g,
  /gsk_[A-Za-z0-9]{8,}/g,
  /AIza[0-9A-Za-z_-]{20,}/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&]key=)[^&\s"']+/gi,
];

const registeredSecrets = new Set<string>();

/** Teach the redactor a secret it must never print (API keys read from the environment, gateway keys). */
export function registerSecret(secret: string): void {
  if (secret.length >= 6) registeredSecrets.add(secret);
}

/** Replace anything that looks like a key, and every registered secret, with a marker. */
export function redactSecrets(text: string): string {
  let result = text;
  for (const secret of registeredSecrets) {
    if (result.includes(secret)) result = result.split(secret).join('[redacted]');
  }
  for (const pattern of secretPatterns) {
    result = result.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return result;
}
