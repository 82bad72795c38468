/**
 * A token count as read off any wire (a provider's usage, an AI SDK model's): a finite number, a negative one read
 * as none and one past the largest count a number holds exactly read as that count; undefined for anything else.
 * Read so where it is read, before anything adds to it: a negative count would otherwise be shown to clients and
 * logged as given, and cancel the count it is added to (Anthropic's cache reads added to its input, Gemini's thoughts
 * to its candidates), taking the sum out of the price; and two huge ones would sum to Infinity, priced as none. Pure.
 */
export function readTokenCount(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.min(Math.max(value, 0), Number.MAX_SAFE_INTEGER);
}
