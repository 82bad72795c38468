// The program README's "The gateway and the command line" shows (a gateway on 127.0.0.1:8787: backup-models serve --config examples/gateway.yaml).
// test/readme-examples.test.ts keeps README's block and this file the same, and npm run typecheck checks it.
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const openai = new OpenAI({ baseURL: 'http://127.0.0.1:8787/v1', apiKey: 'your-gateway-key' });
await openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'Hello' }] });
await openai.responses.create({ model: 'tier-2', instructions: 'Be brief.', input: 'Hello' });
await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['first text', 'second text'] });

const anthropic = new Anthropic({ baseURL: 'http://127.0.0.1:8787', apiKey: 'your-gateway-key' });
await anthropic.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] });
