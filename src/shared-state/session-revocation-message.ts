/**
 * What an instance tells the others when a dashboard session is signed out there, so that they end its open
 * event streams at once: on the wire, `{"v":1,"from":"<instance>","sessionId":"…","expiresAtMs":…}` on the
 * dashboard channel. The session's random id only, never its cookie. Anything else decodes to undefined.
 */

import { isRecord } from '../json-value.js';

export interface SessionRevocationMessage {
  /** The instance that took the sign-out. */
  readonly from: string;
  readonly sessionId: string;
  /** When the session would have expired: how long the instances that hear it keep it. */
  readonly expiresAtMs: number;
}

export const sessionRevocationMessageVersion = 1;

export function encodeSessionRevocationMessage(message: SessionRevocationMessage): string {
  return JSON.stringify({ v: sessionRevocationMessageVersion, from: message.from, sessionId: message.sessionId, expiresAtMs: message.expiresAtMs });
}

export function decodeSessionRevocationMessage(text: string): SessionRevocationMessage | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.v !== sessionRevocationMessageVersion || typeof parsed.from !== 'string') return undefined;
  const { sessionId, expiresAtMs } = parsed;
  if (typeof sessionId !== 'string' || sessionId.length === 0 || typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)) return undefined;
  return { from: parsed.from, sessionId, expiresAtMs };
}
