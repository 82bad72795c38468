/** The gateway's embeddings answer, pure: the recorded vector written back as OpenAI wrote it. */
import { describe, expect, it } from 'vitest';
import { readOpenAIEmbeddingsRecording, recordedOpenAIEmbedding } from '../../testing/openai-embeddings-recordings.test-support.js';
import { embeddingsAnswerBody } from './embeddings-response.js';

const result = () => {
  const recorded = recordedOpenAIEmbedding();
  return {
    embeddings: [recorded.vector],
    provider: 'openai',
    model: recorded.model,
    usage: { inputTokens: recorded.promptTokens },
    latencyMs: 1,
    costUsd: 0,
    cached: false,
    attempts: [],
    requestId: undefined,
  };
};

describe('embeddingsAnswerBody', () => {
  it('base64: the very bytes OpenAI sent for the recorded vector, and the same fields', () => {
    const recordedBody = JSON.parse(readOpenAIEmbeddingsRecording('embeddings-dimensions-128.json')) as unknown;
    expect(JSON.parse(embeddingsAnswerBody(result(), 'base64'))).toEqual(recordedBody);
  });

  it('float: the vector as numbers', () => {
    const body = JSON.parse(embeddingsAnswerBody(result(), 'float')) as { data: { embedding: number[] }[] };
    expect(body.data[0]!.embedding).toEqual(recordedOpenAIEmbedding().vector);
  });
});
