import { describe, expect, it } from 'vitest';
import { readOpenAIResponsesRecording } from '../../testing/openai-responses-recordings.test-support.js';
import { recordedFixtures } from '../../testing/shared-fixtures.test-support.js';
import { parseOpenAICompatibleError } from '../openai-compatible/openai-compatible-error.js';
import { responseHeadersFrom } from '../../http/response-headers.js';

const { readFixtureText } = recordedFixtures('openai');
const errorOf = (statusCode: number, bodyText: string, headers: Record<string, string> = {}) =>
  parseOpenAICompatibleError({ providerId: 'openai', statusCode, headers: responseHeadersFrom(headers), bodyText, nowMs: 0 });

describe("the Responses API's errors", () => {
  it("reads the Responses API's recorded 400 for a temperature as the caller's invalid request", () => {
    const error = errorOf(400, readOpenAIResponsesRecording('error-400-temperature-unsupported.json'));
    expect(error).toMatchObject({ provider: 'openai', reason: 'invalid_request', statusCode: 400 });
    expect(error.message).toContain("Unsupported parameter: 'temperature' is not supported with this model.");
  });

  it("reads OpenAI's recorded 429 and 503 as chat completions does: a rate limit and an overload", () => {
    expect(errorOf(429, readFixtureText('error-429-rate-limit-rpm.json'))).toMatchObject({ reason: 'rate_limit' });
    expect(errorOf(503, readFixtureText('error-503-model-overloaded.json'))).toMatchObject({ reason: 'overloaded' });
  });
});
