/**
 * Test support: OpenAI's recorded embeddings traffic, kept in this repository (test/fixtures/openai; provenance in
 * test/fixtures/SOURCES.md) as the shared fixtures hold none: text-embedding-3-small asked `dimensions: 128` with
 * `encoding_format: base64` (a base64 vector of 128 float32), and the 404 OpenAI answers an embedding model it does
 * not have. The provider test server replays them with a `status` behaviour on its embeddings route. Not shipped:
 * only tests import it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StatusBehavior } from './provider-behavior.js';
import { parseRecordedHeaders } from './recorded-headers.js';

export type OpenAIEmbeddingsRecording = 'embeddings-dimensions-128.json' | 'error-404-embeddings-model-not-found.json';

const openAIFixturesDirectory = fileURLToPath(new URL('../../test/fixtures/openai/', import.meta.url));

export function readOpenAIEmbeddingsRecording(name: OpenAIEmbeddingsRecording): string {
  return readFileSync(`${openAIFixturesDirectory}${name}`, 'utf8');
}

/** The recording as the provider test server replays it: its status, recorded headers (framing dropped) and body. */
export function openAIEmbeddingsReplay(name: OpenAIEmbeddingsRecording = 'embeddings-dimensions-128.json'): StatusBehavior {
  const head = parseRecordedHeaders(readFileSync(`${openAIFixturesDirectory}${name.replace(/\.json$/, '.headers.txt')}`, 'utf8'));
  return { kind: 'status', status: head.status, headers: Object.fromEntries(head.headers), body: readOpenAIEmbeddingsRecording(name) };
}

/**
 * What the recorded answer holds, read off its bytes here (Node's own float32 view of the base64) rather than by
 * the code under test: the vector, the model and the billed tokens.
 */
export function recordedOpenAIEmbedding(): { readonly vector: readonly number[]; readonly model: string; readonly promptTokens: number } {
  const body = JSON.parse(readOpenAIEmbeddingsRecording('embeddings-dimensions-128.json')) as {
    data: { embedding: string }[];
    model: string;
    usage: { prompt_tokens: number };
  };
  const bytes = Buffer.from(body.data[0]!.embedding, 'base64');
  const vector = Array.from(new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
  return { vector, model: body.model, promptTokens: body.usage.prompt_tokens };
}

/**
 * OpenAI's recorded embeddings answer made into one of the given vectors (as numbers, as a server answering floats
 * sends them), each at its index and each billed the recorded token count, with the recorded status and headers:
 * no recording of several inputs is kept (test/fixtures/SOURCES.md, "openai embeddings").
 */
export function openAIEmbeddingsBatchReplay(vectors: readonly (readonly number[])[]): StatusBehavior {
  const recorded = openAIEmbeddingsReplay();
  const body = JSON.parse(readOpenAIEmbeddingsRecording('embeddings-dimensions-128.json')) as { usage: { prompt_tokens: number } };
  const tokens = body.usage.prompt_tokens * vectors.length;
  const data = vectors.map((embedding, index) => ({ object: 'embedding', index, embedding }));
  return { ...recorded, body: JSON.stringify({ ...body, data, usage: { prompt_tokens: tokens, total_tokens: tokens } }, null, 2) + '\n' };
}
