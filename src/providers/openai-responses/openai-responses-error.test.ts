import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readOpenAIResponsesRecording } from '../../testing/openai-responses-recordings.test-support.js';
import { recordedFixtures } from '../../testing/shared-fixtures.test-support.js';
import { parseOpenAIResponsesError } from './openai-responses-error.js';

const { readFixtureText } = recordedFixtures('openai');
const errorOf = (statusCode: number, bodyText: string, headers: Record<string, string> = {}) =>
  parseOpenAIResponsesError({ providerId: 'openai', statusCode, headers, bodyText, nowMs: 0 });

/** Quoted in continuedev/continue#9918 (test/fixtures/SOURCES.md). */
const unverifiedSummary = readFileSync(fileURLToPath(new URL('../../../test/fixtures/openai/error-400-reasoning-summary-organization-unverified.json', import.meta.url)), 'utf8');

describe('parseOpenAIResponsesError', () => {
  it("reads the Responses API's recorded 400 for a temperature as the caller's invalid request", () => {
    const error = errorOf(400, readOpenAIResponsesRecording('error-400-temperature-unsupported.json'));
    expect(error).toMatchObject({ provider: 'openai', reason: 'invalid_request', statusCode: 400 });
    expect(error.message).toContain("Unsupported parameter: 'temperature' is not supported with this model.");
  });

  it("fails over from the 400 refusing an unverified organization the reasoning summary we asked, which is not the caller's fault", () => {
    const error = errorOf(400, unverifiedSummary);
    expect(error).toMatchObject({ reason: 'generation_failed', statusCode: 400, providerCode: 'unsupported_value' });
    expect(error.message).toContain('must be verified to generate reasoning summaries');
  });

  it("reads OpenAI's recorded 429 and 503 as chat completions does: a rate limit and an overload", () => {
    expect(errorOf(429, readFixtureText('error-429-rate-limit-rpm.json'))).toMatchObject({ reason: 'rate_limit' });
    expect(errorOf(503, readFixtureText('error-503-model-overloaded.json'))).toMatchObject({ reason: 'overloaded' });
  });
});
