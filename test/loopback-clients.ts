/**
 * Clients of a gateway that connect from a loopback address of their own (127.0.0.x), so a test sees the
 * gateway tell clients apart by address: undici's `localAddress`, under the official OpenAI and Anthropic
 * clients and plain requests. Shared by the gateway's failed key attempt and trusted proxy tests.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Agent, fetch as undiciFetch } from 'undici';

export interface SentRequest {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export class LoopbackClients {
  readonly #baseUrl: string;
  readonly #agents: Agent[] = [];

  constructor(baseUrl: string) {
    this.#baseUrl = baseUrl;
  }

  /** A fetch whose connections come from `address`, a loopback address of its own. */
  fetchFrom(address: string): { fetch: typeof undiciFetch; dispatcher: Agent } {
    const dispatcher = new Agent({ localAddress: address });
    this.#agents.push(dispatcher);
    return { fetch: undiciFetch, dispatcher };
  }

  /** An OpenAI client from `address`, with `headers` on every request (a proxy's X-Forwarded-For). */
  openAIFrom(address: string, apiKey: string, headers: Record<string, string> = {}): OpenAI {
    const { fetch, dispatcher } = this.fetchFrom(address);
    return new OpenAI({
      baseURL: `${this.#baseUrl}/v1`,
      apiKey,
      maxRetries: 0,
      timeout: 15_000,
      defaultHeaders: headers,
      fetch: fetch as never,
      fetchOptions: { dispatcher } as never,
    });
  }

  anthropicFrom(address: string, apiKey: string): Anthropic {
    const { fetch, dispatcher } = this.fetchFrom(address);
    return new Anthropic({ baseURL: this.#baseUrl, apiKey, maxRetries: 0, timeout: 15_000, fetch: fetch as never, fetchOptions: { dispatcher } as never });
  }

  /** A request from `address` with undici; the status, headers and body text. */
  async send(address: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<SentRequest> {
    const { fetch, dispatcher } = this.fetchFrom(address);
    const response = await fetch(`${this.#baseUrl}${path}`, { ...init, dispatcher, redirect: 'manual' });
    return { status: response.status, headers: response.headers as unknown as Headers, text: await response.text() };
  }

  /** The dashboard's sign-in form posted from `address` with `key`, and `headers` (a proxy's). */
  signIn(address: string, key: string, headers: Record<string, string> = {}): Promise<SentRequest> {
    return this.send(address, '/dashboard/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams({ key }).toString(),
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.#agents.map((agent) => agent.close()));
  }
}
