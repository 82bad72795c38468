import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../types.js';
import { withoutSamplingParameters } from './without-sampling-parameters.js';

describe('withoutSamplingParameters', () => {
  it('leaves out temperature, top_p and the penalties, and keeps everything else', () => {
    const request: ChatRequest = {
      model: 'kimi-k2.5',
      messages: [{ role: 'user', content: 'Say hello.' }],
      temperature: 0.7,
      topP: 0.9,
      presencePenalty: 0.5,
      frequencyPenalty: 0.3,
      maxTokens: 256,
      seed: 7,
      stop: ['END'],
    };
    expect(withoutSamplingParameters(request)).toEqual({ model: 'kimi-k2.5', messages: request.messages, maxTokens: 256, seed: 7, stop: ['END'] });
    expect(request.temperature).toBe(0.7);
  });

  it('is the same request when it sets none of them', () => {
    const request: ChatRequest = { model: 'kimi-k2.5', messages: [{ role: 'user', content: 'Say hello.' }], maxTokens: 256 };
    expect(withoutSamplingParameters(request)).toBe(request);
  });
});
