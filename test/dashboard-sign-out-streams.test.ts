/**
 * A dashboard sign-out ends the event streams already open on that session, wherever they are: other tabs at
 * the instance that took it, and, with the shared state on Redis, streams at every other instance. Real
 * gateways on loopback, streams read over HTTP as a browser's EventSource reads them; a stream of another
 * session, or of an admin key sent as a header, goes on receiving calls.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { attachDashboard, type Dashboard } from '../src/dashboard/attach-dashboard.js';
import { MemorySessionRevocations } from '../src/sessions/memory-session-revocations.js';
import type { SessionRevocation, SessionRevocations } from '../src/sessions/session-revocations.js';
import { gatewayKeys, startGatewayHarness, type GatewayHarness } from './gateway-harness.js';
import { openEventStream, type OpenEventStream } from './open-event-stream.js';

const [alphaKey] = gatewayKeys;
/** Generous: a stream ends within milliseconds of the sign-out; this is only how long a failure takes to show. */
const waitOptions = { timeout: 5_000, interval: 20 };

interface Instance {
  readonly harness: GatewayHarness;
  readonly dashboard: Dashboard;
}

let closers: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function startInstance(options: { sessionRevocations?: SessionRevocations } = {}): Promise<Instance> {
  const harness = await startGatewayHarness({ adminKeys: gatewayKeys });
  const dashboard = attachDashboard({
    gateway: harness.gateway,
    router: harness.router,
    keys: harness.config.keyPolicies,
    ...(options.sessionRevocations ? { sessionRevocations: options.sessionRevocations } : {}),
  });
  closers.push(async () => {
    dashboard.close();
    await harness.close();
  });
  return { harness, dashboard };
}

/** Sign in through the form; the `name=value` of the session cookie. */
async function signIn(instance: Instance, key: string): Promise<string> {
  const response = await fetch(`${instance.harness.url}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ key }).toString(),
  });
  expect(response.status).toBe(303);
  return (response.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function signOut(instance: Instance, cookie: string): Promise<void> {
  const response = await fetch(`${instance.harness.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie } });
  expect(response.status).toBe(303);
}

async function openStream(instance: Instance, headers: Record<string, string>): Promise<OpenEventStream> {
  const stream = await openEventStream(`${instance.harness.url}/dashboard/events`, headers);
  closers.push(() => stream.close());
  expect(stream.status).toBe(200);
  return stream;
}

/** A call through the gateway, and every stream in `live` shows it: they are still open and sent to. */
async function expectStillSentTo(instance: Instance, live: readonly OpenEventStream[]): Promise<void> {
  await instance.harness.client.chat.completions.create({ model: 'tier-1', messages: [{ role: 'user', content: 'after the sign-out' }] });
  await expect.poll(() => live.every((stream) => stream.text.includes('event: call')), waitOptions).toBe(true);
  expect(live.map((stream) => stream.ended)).toEqual(live.map(() => false));
}

async function eventsStatus(instance: Instance, cookie: string): Promise<number> {
  const response = await fetch(`${instance.harness.url}/dashboard/events`, { headers: { cookie } });
  await response.body?.cancel();
  return response.status;
}

describe('a dashboard sign-out and the event streams already open', () => {
  it('ends every open stream of the session signed out, at once, and no other', async () => {
    const a = await startInstance();
    const signedOut = await signIn(a, alphaKey);
    const other = await signIn(a, alphaKey);
    // Two tabs on the session that signs out; a tab on another session of the same key; a program with the key.
    const tabs = [await openStream(a, { cookie: signedOut }), await openStream(a, { cookie: signedOut })];
    const live = [await openStream(a, { cookie: other }), await openStream(a, { authorization: `Bearer ${alphaKey}` })];
    expect(a.dashboard.clientCount).toBe(4);

    await signOut(a, signedOut);
    await expect.poll(() => tabs.every((tab) => tab.ended), waitOptions).toBe(true);
    expect(a.dashboard.clientCount).toBe(2);
    await expectStillSentTo(a, live);
    // The ended tab reconnects, as EventSource does, and is refused: its page then goes to the sign-in form.
    expect(await eventsStatus(a, signedOut)).toBe(401);
  });

  it('ends a stream whose session was being checked when the sign-out came, once it is open', async () => {
    // The check answers late with what it found before the sign-out, as a Redis read in flight can while the
    // sign-out's message comes first: the stream was not yet listed when the revocation was told.
    const checks = new HeldChecks(new MemorySessionRevocations());
    const a = await startInstance({ sessionRevocations: checks });
    const signedOut = await signIn(a, alphaKey);
    const other = await signIn(a, alphaKey);
    const live = [await openStream(a, { cookie: other })];

    checks.holding = true;
    const opening = openStream(a, { cookie: signedOut });
    await expect.poll(() => checks.heldCount, waitOptions).toBe(1);
    checks.holding = false;
    await signOut(a, signedOut);
    checks.release();
    const late = await opening;
    await expect.poll(() => late.ended, waitOptions).toBe(true);
    await expectStillSentTo(a, live);
  });
});

/** Revocations whose checks, while `holding`, answer only when released: what a slow Redis does to a check in flight. */
class HeldChecks implements SessionRevocations {
  holding = false;
  readonly #inner: SessionRevocations;
  readonly #held: (() => void)[] = [];

  constructor(inner: SessionRevocations) {
    this.#inner = inner;
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    const revoked = await this.#inner.isRevoked(sessionId);
    if (this.holding) await new Promise<void>((resolve) => this.#held.push(resolve));
    return revoked;
  }

  get heldCount(): number {
    return this.#held.length;
  }

  release(): void {
    for (const resolve of this.#held.splice(0)) resolve();
  }

  revoke = (sessionId: string, expiresAtMs: number): Promise<void> => this.#inner.revoke(sessionId, expiresAtMs);
  onRevoked = (listener: (revocation: SessionRevocation) => void): (() => void) => this.#inner.onRevoked(listener);
}
