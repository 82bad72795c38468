/**
 * Providers as data. Adding an OpenAI-compatible vendor is adding an entry here (or passing one to the
 * router); nothing in routing changes.
 */
import type { ThinkingLevel, Tier, WireProtocolId } from './types.js';

export const Provider = {
  GROQ: 'groq',
  OPENAI: 'openai',
  ANTHROPIC: 'anthropic',
  TOGETHER: 'together',
  MOONSHOT: 'moonshot',
  GOOGLE: 'google',
} as const;

/** A built-in provider id. Custom providers use any other string. */
export type Provider = (typeof Provider)[keyof typeof Provider];

export interface ModelPrice {
  /** US dollars per million input tokens. */
  readonly inputPerMillion: number;
  /** US dollars per million output tokens. */
  readonly outputPerMillion: number;
  /** Per million input tokens read from the prompt cache. Default: the input price. */
  readonly cachedInputPerMillion?: number;
  /** Per million input tokens written to the prompt cache (Anthropic: five-minute entries). Default: the input price. */
  readonly cacheWritePerMillion?: number;
  /** Per million input tokens written to the prompt cache for an hour (Anthropic). Default: `cacheWritePerMillion`. */
  readonly cacheWrite1hPerMillion?: number;
  /** Per 1,000 web searches a server tool ran (`usage.webSearchRequests`), beside the tokens. Default: nothing. */
  readonly webSearchPerThousand?: number;
}

export interface ModelInfo {
  readonly id: string;
  readonly contextWindowTokens?: number;
  /** The most tokens one answer may hold (the provider refuses a larger `max_tokens`); a larger request is lowered to it. */
  readonly maxOutputTokens?: number;
  /** Takes images as input. A call with images asks only such models (and models the catalog does not list). */
  readonly vision?: boolean;
  /**
   * The model reasons and can be told how hard (`reasoningEffort`): on the OpenAI wire it takes
   * `max_completion_tokens` and refuses `temperature` (o-series, gpt-5); Anthropic's and Gemini's take a
   * thinking budget, or an effort (`anthropicThinking`) or a level (`thinkingLevels`).
   */
  readonly reasoning?: boolean;
  /**
   * The model fixes its sampling and refuses any other value with a 400 (Moonshot's kimi-k2.5: temperature 1
   * with thinking on, top_p 0.95, no penalties). A caller's `temperature`, `topP`, `presencePenalty` and
   * `frequencyPenalty` are not sent to it, on every wire: the model answers with its own. Unlike `reasoning`,
   * nothing else about the request changes (`max_tokens` stays, no `reasoningEffort` is sent).
   */
  readonly fixedSampling?: boolean;
  /**
   * Gemini wire, with `reasoning`: the model thinks by level (`thinkingConfig.thinkingLevel`, Gemini 3 and
   * later), and these are the levels it takes. A `reasoningEffort` is sent as the level of its name, or the
   * nearest one listed, and never as a thinking budget (which Google keeps for Gemini 2.5, and which refuses
   * to be sent with a level). Without it a Gemini reasoning model is sent a budget. Other wires ignore it.
   */
  readonly thinkingLevels?: readonly ThinkingLevel[];
  /**
   * OpenAI wire: how the model takes function tools on chat completions, when not as others do. OpenAI's newer
   * reasoning models (gpt-5.4 and later, GPT-6) refuse tools there with any reasoning effort but `none`, and with none
   * given (400 `Function tools with reasoning_effort are not supported for <model> in /v1/chat/completions. To use
   * function tools, use /v1/responses or set reasoning_effort to 'none'.`). `'without-reasoning'` (a model that has
   * the effort `none`): a request with tools is sent `reasoning_effort: "none"` in place of any effort the caller
   * asked, so the model does not reason on that turn. `'refused'` (a model without it, as gpt-6.2-sol): a request
   * with tools is not sent to it but refused before anything leaves (`generation_failed`), and the call fails over.
   */
  readonly chatCompletionsTools?: ChatCompletionsTools;
  /**
   * OpenAI wire: the endpoint the model is asked on. `'responses'`: OpenAI's Responses API (`POST /responses`), which
   * takes function tools from a reasoning model at every effort where chat completions refuses them (OpenAI's GPT-6
   * tiers); `chatCompletionsTools` then does not apply. It has no stop sequences: a call with `stop` is not sent to
   * such a model but fails over, before anything leaves. Default `'chat-completions'`. Other wires ignore it.
   */
  readonly openAIWire?: OpenAIWire;
  /**
   * Anthropic wire: how the model thinks, when not by a budget. `'adaptive'` (Claude Haiku 5.5, Sonnet 5.5): it thinks
   * adaptively, by default, and takes an effort (`output_config.effort`); it refuses a thinking budget (400
   * `"thinking.type.enabled" is not supported for this model`) and a conversation that ends on an assistant turn (400
   * `This model does not support assistant message prefill`). With `reasoning`, a `reasoningEffort` is sent as
   * `thinking: {type: 'adaptive', display: 'summarized'}` and the effort of its name, never as a budget, `maxTokens`
   * grown as for the budget of the same effort; this provider's signed thinking blocks go back in every request (the
   * model thinks unasked); a prefill is not sent to it but fails over, before anything leaves. Without it an Anthropic
   * reasoning model is sent a budget. It says nothing of sampling: mark such a model `fixedSampling` too when it refuses
   * a temperature, as these do. Other wires ignore it.
   */
  readonly anthropicThinking?: AnthropicThinking;
  /**
   * Anthropic wire: `'refused'` for a model that refuses a forced tool choice (`tool_choice` `any` or `tool`, a 400),
   * as Claude Sonnet 5.5, whose thinking cannot be turned off, does: a call with tools and `toolChoice` `'required'` or a
   * named tool is not sent to it but refused before anything leaves (`generation_failed`), and the call fails over.
   * Other wires ignore it.
   */
  readonly forcedToolChoice?: ForcedToolChoice;
  /**
   * Anthropic wire, with `anthropicThinking: 'adaptive'`: `'refused'` for a model whose thinking cannot be turned off,
   * which answers `thinking: {type: "disabled"}` with a 400, as Claude Sonnet 5.5 does (its migration guide lists it
   * among the "five settings that return a 400 error"; the words, `"thinking.type.disabled" is not supported for this
   * model.`, as Claude Fable 5 answered them, cline/cline#13203). A call asking `reasoningEffort: 'none'` is sent the
   * least effort, `low`, `maxTokens` grown by that effort's room (1,024 tokens), so the thinking does not eat an answer
   * the caller bounded tightly; it is not failed over, which would leave a route of this model alone with no answer.
   * Without it an Anthropic reasoning model asked `'none'` is sent `thinking: {type: "disabled"}` and the caller's
   * `maxTokens` as they are. Other wires ignore it.
   */
  readonly disabledThinking?: DisabledThinking;
  /**
   * OpenAI wire, with `reasoning`: the least `reasoning_effort` the model takes, sent for a call asking
   * `reasoningEffort: 'none'`: `'none'` for a model that can answer without reasoning (gpt-6-luna, gpt-6.1-terra),
   * `'low'` for one that cannot (gpt-6.2-sol, which OpenAI refuses `none`). Without it such a call is sent no effort, as
   * one that asks none: the efforts taken differ from model to model, and one a model does not take is a 400.
   * Other wires ignore it.
   */
  readonly leastReasoningEffort?: LeastReasoningEffort;
  /**
   * Anthropic wire: `'refused'` for a model that takes no structured output (`output_config.format`), as Claude models
   * before the 4.5 generation and Anthropic-compatible servers that lack it: a call with a `json_schema` `responseFormat`
   * is not sent to it but refused before anything leaves (`generation_failed`), and the call fails over. Without it an
   * Anthropic model is sent the schema as `output_config.format` (every Claude model the catalog lists takes it:
   * https://platform.claude.com/docs/en/build-with-claude/structured-outputs). Other wires ignore it.
   */
  readonly structuredOutput?: StructuredOutput;
  readonly price?: ModelPrice;
}

/** See `ModelInfo.chatCompletionsTools`. */
export type ChatCompletionsTools = 'without-reasoning' | 'refused';

/** See `ModelInfo.openAIWire`. */
export type OpenAIWire = 'chat-completions' | 'responses';

/** Every `OpenAIWire`: what `openAIWire` may be. */
export const openAIWireNames: readonly OpenAIWire[] = ['chat-completions', 'responses'];

/** See `ModelInfo.anthropicThinking`. */
export type AnthropicThinking = 'adaptive';

/** Every `AnthropicThinking`: what `anthropicThinking` may be. */
export const anthropicThinkingModes: readonly AnthropicThinking[] = ['adaptive'];

/** See `ModelInfo.forcedToolChoice`. */
export type ForcedToolChoice = 'refused';

/** See `ModelInfo.disabledThinking`. */
export type DisabledThinking = 'refused';

/** See `ModelInfo.leastReasoningEffort`: OpenAI's effort words below `medium`. */
export type LeastReasoningEffort = 'none' | 'minimal' | 'low';

/** Every `LeastReasoningEffort`: what `leastReasoningEffort` may be. */
export const leastReasoningEffortNames: readonly LeastReasoningEffort[] = ['none', 'minimal', 'low'];

/** See `ModelInfo.structuredOutput`. */
export type StructuredOutput = 'refused';

/**
 * A model that turns text into vectors (`router.embed`). Listed apart from the chat models: no tier names one, a
 * chat call never asks one, and an embedding call asks only providers that list the model it names (vectors of
 * two models are not comparable, so an embedding call never fails over to another model).
 */
export interface EmbeddingModelInfo {
  readonly id: string;
  /** The length of each vector when no `dimensions` is asked. */
  readonly dimensions: number;
  /**
   * The model makes shorter vectors when asked `dimensions` (up to its own length: OpenAI's text-embedding-3,
   * Gemini's). A call asking `dimensions` of a listed model without it is refused before anything is sent.
   */
  readonly takesDimensions?: boolean;
  /** The most tokens one input may hold. */
  readonly maxInputTokens?: number;
  /** US dollars per million input tokens (embeddings bill the input only). */
  readonly price?: { readonly inputPerMillion: number };
}

/** Every `ThinkingLevel`, least first: what `thinkingLevels` may list. */
export const thinkingLevelNames: readonly ThinkingLevel[] = ['minimal', 'low', 'medium', 'high'];

export interface ProviderDefinition {
  readonly id: string;
  readonly displayName: string;
  readonly protocol: WireProtocolId;
  /** Environment variable holding the API key, read when a call is made. */
  readonly apiKeyEnv: string;
  readonly baseUrl: string;
  /** Environment variable that overrides `baseUrl`, with the value the official SDKs take. */
  readonly baseUrlEnv?: string;
  readonly defaultModel: string;
  /** The model this provider answers with for each tier; a tier with none skips the provider. */
  readonly modelsByTier: Readonly<Partial<Record<Tier, string>>>;
  readonly models: readonly ModelInfo[];
  /** 1 is the fastest. From the seed's table. */
  readonly speedRank: number;
  /** 1 to 5, 5 the best. From the seed's table. */
  readonly quality: number;
  /** Marks a provider of the simulated demo, so every view can say so. */
  readonly simulated?: boolean;
  /** False for a provider that takes image bytes but fetches no image URL (Gemini): a call with an https image skips it. Default true. */
  readonly fetchesImageUrls?: boolean;
  /**
   * OpenAI wire: every assistant message with tool calls in the history is sent `reasoning_content`, the
   * message's own `reasoning` or "" when it has none. Moonshot's thinking models (kimi-k2.5, K2.6) refuse a
   * history without it (400 `thinking is enabled but reasoning_content is missing in assistant tool call
   * message`); other providers may refuse the field, so it is sent to none but those marked. Default false.
   */
  readonly toolCallsNeedReasoningContent?: boolean;
  /**
   * OpenAI wire, models asked on the Responses API (`openAIWire: 'responses'`): a reasoning model is asked its
   * reasoning summary (`reasoning.summary: 'auto'`), read as the answer's `reasoning`. Only for an organization OpenAI
   * verified: it refuses summaries to any other (400 "Your organization must be verified to generate reasoning
   * summaries", continuedev/continue#9918), so every call would fail over. Default false.
   */
  readonly reasoningSummaries?: boolean;
  /**
   * The longest tool name the provider takes, when it refuses longer ones (OpenAI's and Gemini's 64, see
   * providers/tool-name-limit.ts): a call with a longer name is not sent to it but fails over, before anything
   * leaves. Unset, names go as they are (self-hosted servers such as vLLM and Ollama set no such limit).
   */
  readonly toolNameMaxLength?: number;
  /**
   * The most stop sequences the provider takes, when it refuses more (OpenAI's and Groq's 4, Gemini's and
   * Moonshot's 5, see providers/stop-sequences-limit.ts): a call with more is not sent to it but fails over, before
   * anything leaves. Unset, every sequence goes (Anthropic documents no count; self-hosted servers set their own).
   */
  readonly stopSequencesMaxCount?: number;
  /** The embedding models the provider serves (see `EmbeddingModelInfo`); none when absent. */
  readonly embeddingModels?: readonly EmbeddingModelInfo[];
}

const million = (
  inputPerMillion: number,
  outputPerMillion: number,
  cache: Pick<ModelPrice, 'cachedInputPerMillion' | 'cacheWritePerMillion' | 'cacheWrite1hPerMillion' | 'webSearchPerThousand'> = {},
): ModelPrice => ({
  inputPerMillion,
  outputPerMillion,
  ...cache,
});

/**
 * Anthropic's prompt cache: reads at a tenth of the input price, writes at 1.25 times (five-minute entries) or twice (an
 * hour's). And its web search tool: $10 per 1,000 searches beside the tokens, for every model
 * (https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool, "Usage and pricing").
 */
const anthropicCache = (inputPerMillion: number) => ({
  cachedInputPerMillion: inputPerMillion / 10,
  cacheWritePerMillion: inputPerMillion * 1.25,
  cacheWrite1hPerMillion: inputPerMillion * 2,
  webSearchPerThousand: 10,
});

export const defaultCatalog: readonly ProviderDefinition[] = [
  {
    id: Provider.GROQ,
    displayName: 'Groq',
    protocol: 'openai-compatible',
    apiKeyEnv: 'GROQ_API_KEY',
    // Groq's chat completions take "Up to 4 sequences" (its request schema, in the SDK generated from its OpenAPI
    // spec: groq/groq-typescript src/resources/chat/completions.ts at 01b647646392ee05e06bd7bdeeb11e9c8897728c), a
    // check on the request, not the model: a fifth is a 400 "stop : maximum number of items is 4" from
    // /openai/v1/chat/completions (letta-ai/letta#1288; "len(stop) > 4 is not supported", #1272). Continue caps its
    // Groq model at 4 (continuedev/continue core/llm/llms/Groq.ts).
    stopSequencesMaxCount: 4,
    baseUrl: 'https://api.groq.com/openai/v1',
    baseUrlEnv: 'GROQ_BASE_URL',
    // The seed named llama-3.1-8b-instant (and its example llama-3.3-70b-versatile): Groq decommissioned both on
    // 2026-08-16, naming openai/gpt-oss-20b and openai/gpt-oss-120b their replacements (Groq's announcement as
    // quoted in codedaily04/commit-craft#1, papi-ai/groq v0.15.2, rvong65/ethical-decision-simulator v1.0.1,
    // jiru-labs/proofkey v0.1.18); Groq's own notice, as quoted in karthink/gptel#1478, names "GPT OSS 120B / Qwen3.6
    // 27B". No notice retiring either gpt-oss model was found (in August and September 2026 they were Groq's production
    // models: pixeltable/pixeltable#1541, ITSpecialist111/ai_automation_suggester#187). Groq's models page, as quoted in
    // braintrustdata/braintrust-proxy#925: gpt-oss-120b $0.15/$0.60 a million tokens, 131,072 in, 65,536 out;
    // gpt-oss-20b $0.075/$0.30, 131,072 in, 65,536 out (models.dev's Groq entries, providers/groq/models/openai/
    // gpt-oss-20b.toml and gpt-oss-120b.toml, updated 2026-05-27, which give the cached prices too). Groq reads a
    // prompt cache hit at half the input price ("token costs by 50% for cached portions", console.groq.com/docs/
    // prompt-caching) and reports it in usage.prompt_tokens_details.cached_tokens, as the gpt-oss models do
    // (vercel/ai#17118). Both are reasoning models (reasoning_effort, max_completion_tokens). The Llama entries stay
    // listed, for a caller's route or history that still names them: they are asked as before and, gone, are
    // remembered missing (missingModelPeriodMs) after their first 404.
    defaultModel: 'openai/gpt-oss-20b',
    modelsByTier: { 1: 'openai/gpt-oss-20b', 2: 'openai/gpt-oss-120b' },
    models: [
      { id: 'openai/gpt-oss-20b', reasoning: true, contextWindowTokens: 131_072, maxOutputTokens: 65_536, price: million(0.075, 0.3, { cachedInputPerMillion: 0.0375 }) },
      { id: 'openai/gpt-oss-120b', reasoning: true, contextWindowTokens: 131_072, maxOutputTokens: 65_536, price: million(0.15, 0.6, { cachedInputPerMillion: 0.075 }) },
      { id: 'llama-3.1-8b-instant', contextWindowTokens: 131_072, maxOutputTokens: 131_072, price: million(0.05, 0.08) },
      { id: 'llama-3.3-70b-versatile', contextWindowTokens: 131_072, maxOutputTokens: 32_768, price: million(0.59, 0.79) },
    ],
    speedRank: 1,
    quality: 2,
  },
  {
    id: Provider.OPENAI,
    displayName: 'OpenAI',
    protocol: 'openai-compatible',
    apiKeyEnv: 'OPENAI_API_KEY',
    // OpenAI refuses a function name past 64 characters ("string too long. Expected a string with maximum length 64", cline/cline#11885).
    toolNameMaxLength: 64,
    // And a fifth stop sequence ("Invalid 'stop': array too long. Expected an array with maximum length 4, but got an
    // array with length 9 instead.", continuedev/continue#2461; "up to four", help.openai.com/en/articles/5072263).
    stopSequencesMaxCount: 4,
    baseUrl: 'https://api.openai.com/v1',
    baseUrlEnv: 'OPENAI_BASE_URL',
    // The seed named gpt-4o-mini (and this catalog gpt-4.1-mini and gpt-4o for tiers 2 and 3): OpenAI shuts all three
    // down on 2027-01-14, naming gpt-6-luna the replacement of gpt-4o-mini and gpt-4.1-mini (its deprecations page,
    // developers.openai.com/api/docs/deprecations, as quoted by dev.to/importstatic, dev.to/max_bob, codersera.com and
    // CometAPI's notice cometapi-dev/discussions/151; for gpt-4o the quotes differ: gpt-6-luna, or gpt-6.1-sol). o3-mini
    // shut down on 2026-10-23 (the same page, as quoted by dev.to/importstatic). The tiers now follow OpenAI's model
    // guide (developers.openai.com/api/docs/models, November 2026: "GPT-6.2 Sol to balance intelligence and cost, or
    // GPT-6 Luna for cost-sensitive, high-volume workloads"; GPT-6.1 Terra "a fast, efficient model"), each a step up
    // in price as the old tiers were: Luna, Terra, Sol (Astra, at $8/$40, is left out: no other provider's tier 3
    // costs that). All are reasoning models: on chat completions `max_completion_tokens`, and a temperature other
    // than 1 refused (400 unsupported_value, test/fixtures/openai), on Responses any temperature refused (vercel/ai
    // reasoning-model-temperature-error.json), so `reasoning` sends them neither temperature nor top_p nor penalties. They take a temperature only with `reasoning_effort: "none"` (anomalyco/models.dev#6639,
    // for gpt-5.6-luna), which a caller asks as `reasoningEffort: 'none'`, still sent no temperature. Prices, windows and efforts from OpenAI's model pages:
    // gpt-6-luna $0.10 in, $0.01 cached, $0.125 cache writes, $0.50 out, efforts none to max (default medium)
    // (developers.openai.com/ja-JP/api/docs/models/gpt-6-luna); gpt-6.1-terra $1, $0.05 cached, $5, none to max
    // (docs.litellm.ai/blog/gpt-6-1-terra, developers.openai.com/ko-KR/api/docs/models); gpt-6.2-sol, released
    // 2026-11-17, $2, $0.10 cached, $2.50 cache writes, $10, low to max: OpenAI refuses it `none` (its model page as
    // transcribed by w3cschool.cn/openai_api/openai_api-models-gpt-6-2-sol.html). Each: 1,050,000 tokens of context
    // (922,000 in), 128,000 out, text and images in; prompts over 272K input tokens cost 2x in and 1.5x out, which
    // the prices here do not model. On chat completions these models refuse function tools with any reasoning effort
    // but `none`, and with none given (400, test/fixtures/openai: quoted for gpt-5.6-terra in GEMISIS/leviath#333;
    // "tools only => 400, tools + reasoning_effort=none => 200" measured for gpt-5.6 in BerriAI/litellm#34569; the
    // same for gpt-6-sol in onyx-dot-app/onyx#15008; gpt-6.2-sol has no `none`, as gpt-6-astra, refused tools "at
    // every effort level", bolna-ai/bolna#1019). The 400 itself says "use /v1/responses": the three are asked on
    // OpenAI's Responses API (`openAIWire`), which takes tools at every effort, so they reason on a turn with tools
    // and Sol is asked one at all. It takes no `stop`: a call with stop sequences fails over. The retiring models stay listed
    // (priced, in no tier) for routes and histories that still name them, o3-mini too (OpenAI answers it 404 now: it
    // is then remembered missing). A call asking no reasoning is sent each one's least effort (`leastReasoningEffort`):
    // `none` to Luna and Terra, `low` to Sol.
    defaultModel: 'gpt-6-luna',
    modelsByTier: { 1: 'gpt-6-luna', 2: 'gpt-6.1-terra', 3: 'gpt-6.2-sol' },
    models: [
      { id: 'gpt-6-luna', vision: true, reasoning: true, openAIWire: 'responses', leastReasoningEffort: 'none', contextWindowTokens: 1_050_000, maxOutputTokens: 128_000, price: million(0.1, 0.5, { cachedInputPerMillion: 0.01, cacheWritePerMillion: 0.125 }) },
      { id: 'gpt-6.1-terra', vision: true, reasoning: true, openAIWire: 'responses', leastReasoningEffort: 'none', contextWindowTokens: 1_050_000, maxOutputTokens: 128_000, price: million(1, 5, { cachedInputPerMillion: 0.05 }) },
      { id: 'gpt-6.2-sol', vision: true, reasoning: true, openAIWire: 'responses', leastReasoningEffort: 'low', contextWindowTokens: 1_050_000, maxOutputTokens: 128_000, price: million(2, 10, { cachedInputPerMillion: 0.1, cacheWritePerMillion: 2.5 }) },
      { id: 'gpt-4o-mini', vision: true, contextWindowTokens: 128_000, maxOutputTokens: 16_384, price: million(0.15, 0.6, { cachedInputPerMillion: 0.075 }) },
      { id: 'gpt-4.1-mini', vision: true, contextWindowTokens: 1_047_576, maxOutputTokens: 32_768, price: million(0.4, 1.6, { cachedInputPerMillion: 0.1 }) },
      { id: 'gpt-4o', vision: true, contextWindowTokens: 128_000, maxOutputTokens: 16_384, price: million(2.5, 10, { cachedInputPerMillion: 1.25 }) },
      { id: 'o3-mini', contextWindowTokens: 200_000, maxOutputTokens: 100_000, reasoning: true, price: million(1.1, 4.4, { cachedInputPerMillion: 0.55 }) },
    ],
    // Prices: OpenAI's model page (developers.openai.com/api/docs/models/text-embedding-3-large, whose comparison gives
    // -3-small's too), $0.13 and $0.02 a million tokens. Dimensions: 1,536 (-3-small's answer in pydantic/pydantic-ai's
    // cassette TestOpenAI.test_query) and 3,072 (zilliz.com/ai-models/text-embedding-3-large), shortened on request
    // (`dimensions`: recorded at 128 in test/fixtures/openai). "8192 tokens for all embedding models" an input
    // (openai-node's EmbeddingCreateParams).
    embeddingModels: [
      { id: 'text-embedding-3-small', dimensions: 1536, takesDimensions: true, maxInputTokens: 8192, price: { inputPerMillion: 0.02 } },
      { id: 'text-embedding-3-large', dimensions: 3072, takesDimensions: true, maxInputTokens: 8192, price: { inputPerMillion: 0.13 } },
    ],
    speedRank: 2,
    quality: 3,
  },
  {
    id: Provider.ANTHROPIC,
    displayName: 'Anthropic',
    protocol: 'anthropic',
    apiKeyEnv: 'ANTHROPIC_API_KEY',
    // No stopSequencesMaxCount: Anthropic documents no count and takes more than 4 (boto/botocore#3354).
    baseUrl: 'https://api.anthropic.com',
    baseUrlEnv: 'ANTHROPIC_BASE_URL',
    // The seed named claude-3-haiku-20240307, retired on 2026-04-19/20, as were claude-3-5-haiku-20241022 (2026-02-19)
    // and claude-sonnet-4-20250514 (2026-06-15): every call to them fails
    // (https://platform.claude.com/docs/en/about-claude/model-deprecations; coder/coder#22304, zed-industries/zed#59424).
    // Their replacements, Haiku 4.5 and Sonnet 4.6, are "Legacy" now (their model pages, checked on 2026-11-27), still
    // served with no retirement date; Anthropic's current models replace them in the tiers, each newer and cheaper:
    // Claude Haiku 5.5 (claude-haiku-5-5, released 2026-10-07) for tiers 1 and 2, a tenth of Haiku 4.5's price, and
    // Claude Sonnet 5.5 (claude-sonnet-5-5, 2026-09-28) for tier 3, $2/$10 against Sonnet 4.6's $3/$15. Both: 1M
    // tokens of context, 128K out, text and images in (https://platform.claude.com/docs/en/models/haiku-5-5/overview,
    // .../sonnet-5-5/overview; Haiku 5.5's migration guide counts "large images" in more tokens). Haiku 5.5: $0.10 in,
    // $0.50 out, $0.125 and $0.20 cache writes (five minutes, an hour), $0.01 cache reads, for prompts up to 100,000
    // tokens; five times each past them, which one price a model does not model (its overview page). Sonnet 5.5: $2, $10,
    // $2.50 and $4 cache writes, and cache reads cut from $0.20 to $0.10 on 2026-10-07 (its migration guide, "half the
    // Claude Sonnet 5 rate"; kurofune/claudit v1.9.2 and TheKrush/PromptFuel v1.0.23 from the pricing page). They think
    // adaptively by default, by an effort, and answer 400 to a thinking budget, to a non-default temperature, top_p or
    // top_k, and to an assistant prefill (the migration guides, .../haiku-5-5/migration-guide, .../sonnet-5-5/
    // migration-guide): `anthropicThinking: 'adaptive'` and `fixedSampling`. Sonnet 5.5 also refuses a forced tool
    // choice, its thinking being impossible to turn off (`thinking.type` only `adaptive` or `between_tools`, its guide):
    // `forcedToolChoice: 'refused'`, and `thinking: {type: "disabled"}` (`disabledThinking: 'refused'`), which Haiku 5.5's
    // guide does not list: Haiku 5.5 is sent it for a call asking no thinking. The legacy models stay listed (priced, in no tier) for routes and histories that
    // still name them, asked as before (a thinking budget, which they take).
    defaultModel: 'claude-haiku-5-5',
    modelsByTier: { 1: 'claude-haiku-5-5', 2: 'claude-haiku-5-5', 3: 'claude-sonnet-5-5' },
    models: [
      {
        id: 'claude-haiku-5-5',
        vision: true,
        reasoning: true,
        anthropicThinking: 'adaptive',
        fixedSampling: true,
        contextWindowTokens: 1_000_000,
        maxOutputTokens: 128_000,
        price: million(0.1, 0.5, anthropicCache(0.1)),
      },
      {
        id: 'claude-sonnet-5-5',
        vision: true,
        reasoning: true,
        anthropicThinking: 'adaptive',
        fixedSampling: true,
        forcedToolChoice: 'refused',
        disabledThinking: 'refused',
        contextWindowTokens: 1_000_000,
        maxOutputTokens: 128_000,
        price: million(2, 10, { cachedInputPerMillion: 0.1, cacheWritePerMillion: 2.5, cacheWrite1hPerMillion: 4 }),
      },
      // Anthropic's model overviews: Haiku 4.5 200K context, 64K output, $1/$5, extended thinking; Sonnet 4.6 1M context,
      // 128K output, $3/$15, extended thinking (budget_tokens, deprecated in favour of adaptive but taken). Both take images.
      { id: 'claude-haiku-4-5-20251001', vision: true, reasoning: true, contextWindowTokens: 200_000, maxOutputTokens: 64_000, price: million(1, 5, anthropicCache(1)) },
      { id: 'claude-sonnet-4-6', vision: true, reasoning: true, contextWindowTokens: 1_000_000, maxOutputTokens: 128_000, price: million(3, 15, anthropicCache(3)) },
    ],
    speedRank: 4,
    quality: 4,
  },
  {
    id: Provider.TOGETHER,
    displayName: 'Together',
    protocol: 'openai-compatible',
    apiKeyEnv: 'TOGETHER_API_KEY',
    baseUrl: 'https://api.together.xyz/v1',
    baseUrlEnv: 'TOGETHER_BASE_URL',
    // The catalog named meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo (tier 1 and the default): Together deprecated it in
    // the spring of 2026, as its own staff wrote when replacing it in examples ("We deprecated Llama 3.1 8B",
    // vercel/ai#14939, 2026-05-02, whose README named exactly this id; Nutlope/aicommits#337, 2026-04-07). No notice
    // was found for meta-llama/Llama-3.3-70B-Instruct-Turbo, which Together still lists ($0.88/$0.88, 131,072 in:
    // anomalyco/models.dev providers/togetherai, mastra.ai/models/providers/togetherai): it now serves both tiers, as
    // Claude Haiku 5.5 serves Anthropic's first two. The 8B stays listed, in no tier, for routes that still name it.
    defaultModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    modelsByTier: {
      1: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
      2: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    },
    models: [
      { id: 'meta-llama/Llama-3.3-70B-Instruct-Turbo', contextWindowTokens: 131_072, price: million(0.88, 0.88) },
      { id: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo', contextWindowTokens: 131_072, price: million(0.18, 0.18) },
    ],
    // Together's serverless embedding model since m2-bert-80M-32k-retrieval was removed on 2026-02-06
    // (docs.agno.com/reference/knowledge/embedder/together: "Together's serverless catalog currently lists
    // intfloat/multilingual-e5-large-instruct with 1024 dimensions"); 512 tokens an input (the model's own limit, as
    // Venice and DeepInfra state it). Together refuses `dimensions` (400 "Unrecognized request arguments supplied:
    // dimensions", ogx-ai/ogx#3559), and takes `encoding_format: base64` since September 2025 (the same pull request).
    // No Together page giving its price was found: left out, not guessed (a key's budget is charged an estimate).
    embeddingModels: [{ id: 'intfloat/multilingual-e5-large-instruct', dimensions: 1024, maxInputTokens: 512 }],
    speedRank: 2,
    quality: 2,
  },
  {
    id: Provider.MOONSHOT,
    displayName: 'Moonshot',
    protocol: 'openai-compatible',
    apiKeyEnv: 'MOONSHOT_API_KEY',
    baseUrl: 'https://api.moonshot.ai/v1',
    baseUrlEnv: 'MOONSHOT_BASE_URL',
    toolCallsNeedReasoningContent: true,
    // Moonshot's chat API reference (https://platform.moonshot.cn/docs/api/chat) gives `stop` "at most 5 strings, each
    // of no more than 32 bytes" ("最多不能超过 5 个字符串，每个字符串不得超过 32 字节"), as copied word for word into client
    // code, the newest copy from the reference of early 2026 that documents kimi-k2.5's `thinking` (the page itself was
    // not read, and no refusal of a sixth is recorded; nothing says K3 or K3.1 Pro differ). The byte limit is not checked.
    stopSequencesMaxCount: 5,
    // The catalog named kimi-k2-turbo-preview (tier 2) and kimi-k2.5 (tier 3 and the default). Moonshot's model list
    // (platform.kimi.ai/docs/models, as quoted in NousResearch/hermes-agent#109895 and anomalyco/models.dev#6101)
    // says the kimi-k2 preview, turbo and thinking models were discontinued on 2026-05-25 and kimi-k2.5 on 2026-08-31,
    // calls to them answering 404 ("Not found the model ... or Permission denied", resource_not_found_error: probed
    // live for both in diillson/chatcli#1344, 2026-09-02, when GET /v1/models listed kimi-k3, kimi-k2.7-code,
    // kimi-k2.7-code-highspeed and kimi-k2.6). Both tiers now ask kimi-k3.1-pro, released on 2026-10-23 as the
    // post-trained successor of kimi-k3 and cheaper than it: $2 in, $0.20 cached, $10 out, 1,048,576 tokens
    // (Moonshot's prices as relayed by docs.apiyi.com/en/api-capabilities/kimi-k3-1/overview and apidog.com's guide,
    // read from Moonshot's quickstart and pricing page on 2026-10-24; novita.ai and Vercel's AI Gateway list the same).
    // kimi-k2.6 ($0.95, $0.16 cached, $4; 262,144 tokens) is left out of the tiers: Moonshot still listed it in
    // September, but AIHubMix reports the K2 series closed to accounts registered since 2026-10-31 and retired at the
    // end of December 2026 (dev.to/aihubmix "Kimi K3.1 Pro migration guide"). kimi-k3: $3, $0.30 cached, $15
    // (platform.kimi.ai/docs/pricing/chat-k3, as cited in getagentseal/codeburn#709 and models.dev's kimi-k3.toml).
    // Every one of them thinks, and Moonshot fixes their sampling: any temperature but 1 is a 400 "invalid temperature:
    // only 1 is allowed for this model", top_p, n and the penalties are fixed too (dev.to/aihubmix, for K3.1 Pro on
    // 2026-10-24; hex/claude-council v2026.8.3, "across its model line"; docs.oxen.ai for K3: temperature 1.0, top_p
    // 0.95), so `fixedSampling`. Not `reasoning`: Moonshot takes `max_tokens` (a deprecated alias of
    // max_completion_tokens, promptfoo/promptfoo#10132; HeyPuter/puter#3410 saw kimi-k3 stop at its max_tokens), and
    // K3's efforts are low, high and max (default max), where a caller's `medium` could be refused, so no
    // reasoning_effort is sent. The retired models stay listed, in no tier, for routes and histories that still name
    // them: they answer 404 and are then remembered missing.
    defaultModel: 'kimi-k3.1-pro',
    modelsByTier: { 2: 'kimi-k3.1-pro', 3: 'kimi-k3.1-pro' },
    models: [
      { id: 'kimi-k3.1-pro', contextWindowTokens: 1_048_576, fixedSampling: true, price: million(2, 10, { cachedInputPerMillion: 0.2 }) },
      { id: 'kimi-k3', contextWindowTokens: 1_048_576, fixedSampling: true, price: million(3, 15, { cachedInputPerMillion: 0.3 }) },
      { id: 'kimi-k2.6', contextWindowTokens: 262_144, fixedSampling: true, price: million(0.95, 4, { cachedInputPerMillion: 0.16 }) },
      { id: 'kimi-k2-turbo-preview', contextWindowTokens: 262_144, price: million(1.15, 8) },
      // Moonshot documented its temperature, top_p, n and penalties as "cannot be modified": any other temperature
      // than 1 was a 400 "invalid temperature: only 1 is allowed for this model".
      { id: 'kimi-k2.5', contextWindowTokens: 262_144, fixedSampling: true, price: million(0.6, 3, { cachedInputPerMillion: 0.1 }) },
    ],
    speedRank: 6,
    quality: 5,
  },
  {
    id: Provider.GOOGLE,
    displayName: 'Google',
    protocol: 'gemini',
    fetchesImageUrls: false,
    apiKeyEnv: 'GOOGLE_API_KEY',
    // Gemini's FunctionDeclaration.name has "a maximum length of 64".
    toolNameMaxLength: 64,
    // And GenerationConfig.stopSequences takes "up to 5" ("the number of stop_sequences must not exceed 5",
    // continuedev/continue#2702).
    stopSequencesMaxCount: 5,
    baseUrl: 'https://generativelanguage.googleapis.com',
    baseUrlEnv: 'GOOGLE_BASE_URL',
    // The seed named gemini-1.5-flash, shut down in 2025 (Google answers it 404 NOT_FOUND: shared/fixtures/gemini/
    // error-404-model-not-found.json). gemini-2.5-flash and gemini-2.5-pro are deprecated and shut down on 2026-12-01
    // (https://ai.google.dev/gemini-api/docs/deprecations), which names gemini-3.5-flash-lite and gemini-3.8-flash as
    // their replacements. Google's model page for gemini-3.5-flash-lite (ai.google.dev/gemini-api/docs/models/
    // gemini-3.5-flash-lite) gives text, image, video, audio and PDF input, 1,048,576 tokens in, 65,536 out, thinking.
    // Google's page for it on Vertex (docs.cloud.google.com/.../models/gemini/3-5-flash-lite) says custom values of
    // temperature, top-k and top-p are ignored and custom frequency and presence penalties are an error: so
    // `fixedSampling`, which sends it none of them. Google's developer guide to gemini-3.8-flash (docs.cloud.google.com/
    // .../models/guides/gemini-3-8-flash) gives text, image, audio and video input, 1,048,576 tokens in, 65,536 out.
    // Prices are Google's pricing page's (https://ai.google.dev/gemini-api/docs/pricing) as transcribed verbatim on
    // 2026-10-07 by api-evangelist/deepmind plans/deepmind-plans-pricing.yml (47a9772bdb46163b5e5560285bbc88bb11b86073):
    // gemini-3.5-flash-lite $0.30 in ("text / image / video / audio"), $2.50 out; gemini-3.8-flash $0.75 in and $3.75
    // out "through December 31, 2026", then $1.50 and $7.50 "starting January 1, 2027", which this catalog, holding
    // one price a model, does not yet carry. Cache reads: gemini-3.8-flash $0.075 (models.dev providers/google/models/
    // gemini-3.8-flash.toml, from the same page; $0.15 in 2027), gemini-3.5-flash-lite $0.03 (second-hand:
    // pollinations/pollinations#12669, docs.apiyi.com/models/gemini-3-5-flash-lite; Google's page as transcribed lists no cache price for it).
    // Google's deprecations page (https://ai.google.dev/gemini-api/docs/deprecations) gives neither model a shutdown
    // date ("No shutdown date announced", gemini-3.5-flash-lite released 2026-07-21, gemini-3.8-flash 2026-09-02).
    // Both think by level (`thinkingLevels`). Google's guide to gemini-3.8-flash lists LOW, MEDIUM and HIGH
    // (default MEDIUM), and its page for gemini-3.5-flash-lite MINIMAL, LOW, MEDIUM and HIGH (default MINIMAL);
    // Gemini 3.7 and 3.8 Flash refuse MINIMAL (400 "Thinking level MINIMAL is not supported for this model",
    // vercel/ai packages/google/src/__fixtures__/google-gemini-3.7-flash-thinking-levels.json; can1357/oh-my-pi#10543).
    // A budget is still taken by Gemini 3 "for backwards compatibility" (https://vercel.com/docs/ai-gateway/
    // capabilities/reasoning/google, quoting Google), but 3.7 and 3.8 do not keep to it (maragudk/gai#369: a zero
    // budget accepted, thinking anyway; diegosouzapw/OmniRoute#13463: a 24,576 budget's thoughts filled a 65,536 bound).
    defaultModel: 'gemini-3.5-flash-lite',
    modelsByTier: { 1: 'gemini-3.5-flash-lite', 2: 'gemini-3.5-flash-lite', 3: 'gemini-3.8-flash' },
    models: [
      {
        id: 'gemini-3.5-flash-lite',
        vision: true,
        reasoning: true,
        thinkingLevels: ['minimal', 'low', 'medium', 'high'],
        fixedSampling: true,
        contextWindowTokens: 1_048_576,
        maxOutputTokens: 65_536,
        price: million(0.3, 2.5, { cachedInputPerMillion: 0.03 }),
      },
      {
        id: 'gemini-3.8-flash',
        vision: true,
        reasoning: true,
        thinkingLevels: ['low', 'medium', 'high'],
        contextWindowTokens: 1_048_576,
        maxOutputTokens: 65_536,
        price: million(0.75, 3.75, { cachedInputPerMillion: 0.075 }),
      },
    ],
    // Google's announcement (developers.googleblog.com/en/gemini-embedding-available-gemini-api, as quoted in
    // simonw/llm-gemini#102): 3,072 dimensions by default, scaled down on request (3,072, 1,536 or 768 recommended),
    // 2,048 input tokens, $0.15 a million input tokens. Asked on `batchEmbedContents`, whose answer counts no tokens
    // (pydantic-ai's recording, test/fixtures/gemini): its calls are charged an estimate at this price.
    embeddingModels: [{ id: 'gemini-embedding-001', dimensions: 3072, takesDimensions: true, maxInputTokens: 2048, price: { inputPerMillion: 0.15 } }],
    speedRank: 2,
    quality: 3,
  },
];

export interface OpenAICompatibleEndpointOptions {
  id: string;
  baseUrl: string;
  /** Environment variable with the key; omit for a local server that takes none (Ollama, vLLM). */
  apiKeyEnv?: string;
  defaultModel: string;
  modelsByTier?: Partial<Record<Tier, string>>;
  displayName?: string;
  speedRank?: number;
  quality?: number;
  models?: readonly ModelInfo[];
  /** Send assistant tool-call messages `reasoning_content` (a Kimi thinking model served elsewhere): see `ProviderDefinition`. */
  toolCallsNeedReasoningContent?: boolean;
  /** Ask Responses-wire reasoning models their reasoning summary (an organization OpenAI verified): see `ProviderDefinition`. */
  reasoningSummaries?: boolean;
}

/** Any other OpenAI-compatible endpoint (Ollama, vLLM, DeepSeek, Mistral, OpenRouter) by base URL and key variable. */
export function openAICompatibleProvider(options: OpenAICompatibleEndpointOptions): ProviderDefinition {
  return {
    id: options.id,
    displayName: options.displayName ?? options.id,
    protocol: 'openai-compatible',
    apiKeyEnv: options.apiKeyEnv ?? '',
    baseUrl: options.baseUrl,
    defaultModel: options.defaultModel,
    modelsByTier: options.modelsByTier ?? { 1: options.defaultModel, 2: options.defaultModel, 3: options.defaultModel },
    models: options.models ?? [{ id: options.defaultModel }],
    speedRank: options.speedRank ?? 3,
    quality: options.quality ?? 3,
    ...(options.toolCallsNeedReasoningContent === true && { toolCallsNeedReasoningContent: true }),
    ...(options.reasoningSummaries === true && { reasoningSummaries: true }),
  };
}

/** A copy of `catalog` with `overrides` merged into the providers they name, and unknown ids appended. */
export function mergeCatalog(
  catalog: readonly ProviderDefinition[],
  overrides: readonly (Partial<ProviderDefinition> & { id: string })[],
): ProviderDefinition[] {
  const result = catalog.map((definition) => ({ ...definition }));
  for (const override of overrides) {
    const index = result.findIndex((definition) => definition.id === override.id);
    const existing = index >= 0 ? result[index] : undefined;
    if (existing) result[index] = { ...existing, ...override };
    else result.push(override as ProviderDefinition);
  }
  return result;
}

export function findModel(definition: ProviderDefinition, modelId: string): ModelInfo | undefined {
  return definition.models.find((model) => model.id === modelId);
}

export function findEmbeddingModel(definition: ProviderDefinition, modelId: string): EmbeddingModelInfo | undefined {
  return definition.embeddingModels?.find((model) => model.id === modelId);
}
