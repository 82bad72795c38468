/**
 * Property tests of the three request parsers: whatever JSON a client sends, a parse either gives a call or
 * throws the gateway's typed refusal (a GatewayHttpError of the 400 family) naming what is wrong; never a
 * TypeError, a RangeError or another untyped exception. fast-check prints the seed and the shrunk body of a
 * failure; each one found is kept as a plain regression test below. A call a parse gives also passes the
 * router's checks of its messages' and options' shapes: the router refusing one would answer the client with
 * a field of ours it never sent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors.js';
import { validateCompleteOptions } from '../routing/validate-input.js';
import { toMessages } from '../routing/validate-messages.js';
import { GatewayHttpError } from './gateway-http-error.js';
import type { GatewayCall } from './gateway-dialect.js';
import { ModelResolver } from './model-resolver.js';
import { nearValidBody } from './near-valid-bodies.test-support.js';
import { chatBodies, messagesBodies, responsesBodies } from './valid-request-bodies.test-support.js';
import { parseChatCompletionRequest } from './openai-request.js';
import { parseMessagesRequest } from './anthropic-messages/parse-messages-request.js';
import { parseResponsesRequest } from './openai-responses/parse-responses-request.js';

const resolver = new ModelResolver({
  providerIds: ['openai', 'anthropic', 'google', 'groq'],
  routes: { fast: { targets: [{ provider: 'groq', model: 'llama-3.1-8b-instant' }, { provider: 'openai', model: 'gpt-4o-mini' }] } },
});

const numRuns = 300;

const providerIds: ReadonlySet<string> = new Set(['openai', 'anthropic', 'google', 'groq']);

/**
 * The options the router checks the shape of, besides the messages; the others (temperature, maxTokens...) it
 * checks the range of, which a parse leaves to it.
 */
const shapeChecked: ReadonlySet<string> = new Set(['prompt', 'messages', 'tools', 'toolChoice', 'stop', 'responseFormat', 'cacheScope', 'route', 'signal']);

/** A parsed call, through the router's input checks: no refusal of a shape the parse produced. */
function expectShapesTheRouterTakes(call: GatewayCall): void {
  try {
    toMessages(call.messages);
    validateCompleteOptions(call.options, providerIds);
  } catch (error) {
    if (!(error instanceof InvalidArgumentError) || shapeChecked.has(error.argument)) throw error;
  }
}

type Parse = (body: unknown, resolver: ModelResolver) => GatewayCall;

const parsers: { name: string; parse: Parse; bodies: Record<string, unknown>[] }[] = [
  { name: 'chat completions', parse: parseChatCompletionRequest, bodies: chatBodies },
  { name: 'Anthropic Messages', parse: parseMessagesRequest, bodies: messagesBodies },
  { name: 'Responses', parse: parseResponsesRequest, bodies: responsesBodies },
];

/** The parse's outcome: a call, or the typed refusal (anything else thrown fails the property). */
function outcomeOf(parse: Parse, body: unknown): GatewayCall | GatewayHttpError {
  let call: GatewayCall;
  try {
    call = parse(body, resolver);
  } catch (error) {
    if (error instanceof GatewayHttpError) return error;
    throw error;
  }
  expectShapesTheRouterTakes(call);
  return call;
}

function expectTypedRefusal(refusal: GatewayHttpError): void {
  expect(refusal.status).toBeGreaterThanOrEqual(400);
  expect(refusal.status).toBeLessThan(500);
  expect(refusal.type).toBe('invalid_request_error');
  expect(refusal.message.length).toBeGreaterThan(0);
}

for (const { name, parse, bodies } of parsers) {
  describe(`the ${name} parse, on any input`, () => {
    it('parses the valid bodies the generators start from', () => {
      for (const body of bodies) expect(outcomeOf(parse, body)).not.toBeInstanceOf(GatewayHttpError);
    });

    it('gives a call or a typed 4xx refusal for any JSON value', () => {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 6 }), (body) => {
          const outcome = outcomeOf(parse, body);
          if (outcome instanceof GatewayHttpError) expectTypedRefusal(outcome);
        }),
        { numRuns },
      );
    });

    it('gives a call or a typed 4xx refusal for any JSON object holding the fields it reads', () => {
      const field = fc.constantFrom(...new Set(bodies.flatMap((body) => Object.keys(body))));
      fc.assert(
        fc.property(fc.dictionary(field, fc.jsonValue({ maxDepth: 4 }), { maxKeys: 8 }), (fields) => {
          const outcome = outcomeOf(parse, { ...bodies[0], ...fields });
          if (outcome instanceof GatewayHttpError) expectTypedRefusal(outcome);
        }),
        { numRuns },
      );
    });

    it('gives a call or a typed 4xx refusal naming the field, for a valid body with one field mutated', () => {
      fc.assert(
        fc.property(nearValidBody(bodies), ({ body, field }) => {
          const outcome = outcomeOf(parse, body);
          if (!(outcome instanceof GatewayHttpError)) return;
          expectTypedRefusal(outcome);
          expect(`${outcome.param ?? ''} ${outcome.message}`).toContain(field);
        }),
        { numRuns },
      );
    });
  });
}
