/**
 * The `oversized` fault: a recorded response padded with what a JSON reader skips, written a piece at a time so
 * that the server holds one piece, not the padded whole, and stops as soon as the client goes away.
 */
import type { ResponsePlan } from './fixture-store.js';
import type { OversizedBehavior } from './provider-behavior.js';
import type { ResponseSession } from './response-session.js';
import { eventJson, parseRawEvent } from './sse-events.js';

const pieceBytes = 64 * 1024;

export async function sendOversized(session: ResponseSession, plan: ResponsePlan, behavior: OversizedBehavior): Promise<void> {
  if (plan.type === 'body') {
    const paddedBytes = plan.body.length + behavior.paddingBytes;
    const { announcedBytes = paddedBytes } = behavior;
    session.writeHead({ ...plan, ...(announcedBytes !== 'none' && { contentLength: announcedBytes }) });
    if (!(await session.write(plan.body))) return;
    if (!(await writePadding(session, ' ', behavior.paddingBytes))) return;
    // Announced more than was written: the rest never comes, and the response stays open until the client leaves.
    if (announcedBytes !== 'none' && announcedBytes > paddedBytes) return session.untilClosed();
    session.end({ outcome: 'fault' });
    return;
  }
  const from = Math.max(0, Math.floor(behavior.events ?? 0));
  const padded = plan.events.findIndex((raw, index) => index >= from && eventJson(raw) !== undefined);
  if (padded < 0) throw new Error(`no event carrying JSON at or after event ${from} to pad`);
  const raw = plan.events[padded] as string;
  const { lineEnding } = parseRawEvent(raw);
  // The data line's end: its JSON is whole before it, the line ending and the blank line after it.
  const dataLineEnd = raw.indexOf(lineEnding, raw.indexOf('data:'));
  const unit = behavior.padding === 'data-lines' ? `${lineEnding}data:` : ' ';
  session.writeHead(plan);
  for (const event of plan.events.slice(0, padded)) if (!(await session.write(event))) return;
  if (!(await session.write(raw.slice(0, dataLineEnd)))) return;
  if (!(await writePadding(session, unit, behavior.paddingBytes))) return;
  for (const event of [raw.slice(dataLineEnd), ...plan.events.slice(padded + 1)]) if (!(await session.write(event))) return;
  session.end({ outcome: 'fault' });
}

/** `unit` repeated to about `bytes` (whole units), in pieces of about 64 KiB; false once the response closed. */
async function writePadding(session: ResponseSession, unit: string, bytes: number): Promise<boolean> {
  const unitsPerPiece = Math.max(1, Math.floor(pieceBytes / unit.length));
  const piece = Buffer.from(unit.repeat(unitsPerPiece), 'utf8');
  let unitsLeft = Math.ceil(bytes / unit.length);
  while (unitsLeft > 0) {
    const units = Math.min(unitsLeft, unitsPerPiece);
    if (!(await session.write(units === unitsPerPiece ? piece : piece.subarray(0, units * unit.length)))) return false;
    unitsLeft -= units;
  }
  return true;
}
