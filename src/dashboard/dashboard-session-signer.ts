/**
 * The dashboard's session cookies, signed so that every gateway with the same admin keys honours them, with no
 * state shared: `<expiry ms>.<session id>.<signature>`, the signature an HMAC-SHA256 of the expiry and the
 * session id under a secret derived from the admin key that signed in. No key or secret is in the cookie; an
 * instance verifies it against each of its own admin keys' secrets, so a key removed from its configuration (or
 * no longer admin) opens none of its sessions there, and a changed key ends them everywhere.
 *
 * The secret is scrypt of the key (32 MiB, about 0.1 s, once per key and process, off the event loop): a
 * cookie, if stolen, holds an HMAC under it, and a fast derivation would make it a cheap offline test of
 * guesses at the key; with scrypt a guess costs as much as a sign-in.
 */
import { createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface DashboardSession {
  /** 128 random bits, base64url: what a sign-out revokes. Opens nothing without the signature. */
  readonly sessionId: string;
  readonly expiresAtMs: number;
}

interface AdminSecret {
  /** sha256 of the key, to find the secret of the key that signed in. */
  readonly keyDigest: Buffer;
  readonly secret: Buffer;
}

const derivationSalt = 'backup-models dashboard session v1';
const scryptOptions = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const tokenPattern = /^(\d{1,16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

function deriveSecret(key: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(key, derivationSalt, 32, scryptOptions, (error, secret) => (error ? reject(error) : resolve(secret)));
  });
}

function digestOf(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

function signatureOf(secret: Buffer, session: DashboardSession): Buffer {
  return createHmac('sha256', secret).update(`backup-models dashboard session v1\0${session.expiresAtMs}\0${session.sessionId}`).digest();
}

export class DashboardSessionSigner {
  readonly #adminKeys: readonly string[];
  /** Derived on first use: a gateway whose dashboard nobody signs in to pays nothing. */
  #secrets: Promise<readonly AdminSecret[]> | undefined;
  /** The signer this one replaces, whose secrets of the keys both have are taken rather than derived again. */
  #previous: DashboardSessionSigner | undefined;

  /**
   * `adminKeys`: the keys that may open the dashboard (never logged, never kept in a cookie). `previous`: the signer
   * of the configuration this one's replaces, whose derived secrets of keys still admin keys are reused.
   */
  constructor(adminKeys: readonly string[], options: { readonly previous?: DashboardSessionSigner } = {}) {
    this.#adminKeys = adminKeys;
    this.#previous = options.previous;
  }

  /**
   * A new session's cookie value, signed under the secret of `adminKey` (a key already verified as an admin
   * key); undefined when it is not one of this signer's keys.
   */
  async sign(adminKey: string, expiresAtMs: number): Promise<{ readonly token: string; readonly session: DashboardSession } | undefined> {
    const presented = digestOf(adminKey);
    let found: AdminSecret | undefined;
    for (const entry of await this.#adminSecrets()) {
      if (timingSafeEqual(presented, entry.keyDigest)) found ??= entry;
    }
    if (found === undefined) return undefined;
    const session: DashboardSession = { sessionId: randomBytes(16).toString('base64url'), expiresAtMs };
    return { token: `${expiresAtMs}.${session.sessionId}.${signatureOf(found.secret, session).toString('base64url')}`, session };
  }

  /**
   * The session of a cookie value signed under one of this signer's admin keys and not expired at `nowMs`;
   * undefined for anything else (malformed, tampered, expired, or signed under a key this instance has not,
   * or not as an admin key). Compares against every key's signature, in constant time.
   */
  async verify(token: string, nowMs: number): Promise<DashboardSession | undefined> {
    const match = tokenPattern.exec(token);
    if (!match) return undefined;
    const session: DashboardSession = { expiresAtMs: Number(match[1]), sessionId: match[2]! };
    if (!(session.expiresAtMs > nowMs)) return undefined;
    const presented = Buffer.from(match[3]!, 'base64url');
    if (presented.length !== 32 || presented.toString('base64url') !== match[3]) return undefined;
    let valid = false;
    for (const entry of await this.#adminSecrets()) {
      if (timingSafeEqual(presented, signatureOf(entry.secret, session))) valid = true;
    }
    return valid ? session : undefined;
  }

  #adminSecrets(): Promise<readonly AdminSecret[]> {
    if (this.#secrets === undefined) {
      const previousSecrets = this.#previous === undefined ? undefined : this.#previous.#secrets;
      const known: Promise<readonly AdminSecret[]> = previousSecrets?.catch(() => []) ?? Promise.resolve([]);
      this.#previous = undefined;
      const secrets = known.then((derived) =>
        Promise.all(
          this.#adminKeys.map(async (key) => {
            const keyDigest = digestOf(key);
            const reused = derived.find((entry) => entry.keyDigest.equals(keyDigest));
            return { keyDigest, secret: reused?.secret ?? (await deriveSecret(key)) };
          }),
        ),
      );
      this.#secrets = secrets;
      // A derivation that failed (out of memory, say) is tried again by the next request, not kept for good.
      secrets.catch(() => {
        if (this.#secrets === secrets) this.#secrets = undefined;
      });
    }
    return this.#secrets;
  }
}
