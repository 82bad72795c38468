import type { SharedV3Warning } from '@ai-sdk/provider';

/**
 * The warning for headers the caller set on an AI SDK call, which the router does not pass on (it sends each
 * provider its own); undefined when there are none. The AI SDK always sends its user agent: that one is no reason.
 */
export function callerHeadersWarning(headers: Readonly<Record<string, string | undefined>> | undefined): SharedV3Warning | undefined {
  const callerHeaders = Object.entries(headers ?? {}).filter(([name, value]) => value !== undefined && name.toLowerCase() !== 'user-agent');
  if (callerHeaders.length === 0) return undefined;
  return { type: 'unsupported', feature: 'headers', details: 'The router sends its own headers to each provider.' };
}
