/**
 * The parts of the Gemini generateContent API we send, as they appear on the wire (v1beta, JSON names).
 * Types only. Bodies we read are `unknown` until checked.
 */

import type { EmbeddingTaskType, ThinkingLevel } from '../../types.js';

export type GeminiStruct = { readonly [key: string]: unknown };

export type GeminiPart =
  | { readonly text: string }
  | {
      readonly functionCall: { readonly name: string; readonly args: GeminiStruct };
      /** Sent back exactly as received; see `ToolCall.thoughtSignature`. */
      readonly thoughtSignature?: string;
    }
  | { readonly functionResponse: { readonly name: string; readonly response: GeminiStruct } }
  /** An image's bytes, base64. */
  | { readonly inlineData: { readonly mimeType: string; readonly data: string } };

export interface GeminiContent {
  readonly role: 'user' | 'model';
  readonly parts: readonly GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  readonly name: string;
  readonly description?: string;
  /** Gemini's OpenAPI-subset schema; left out for a function without parameters. */
  readonly parameters?: GeminiStruct;
}

export interface GeminiGenerationConfig {
  readonly temperature?: number;
  readonly maxOutputTokens?: number;
  readonly topP?: number;
  readonly seed?: number;
  readonly presencePenalty?: number;
  readonly frequencyPenalty?: number;
  readonly stopSequences?: readonly string[];
  readonly responseMimeType?: 'application/json';
  readonly responseSchema?: GeminiStruct;
  /**
   * How much the model may think, counted within `maxOutputTokens`: a budget of tokens (Gemini 2.5) or a level
   * (Gemini 3 and later), never both (Google refuses the pair: 400 "You can only set only one of thinking budget
   * and thinking level.", sterlp/eclipse-peon-ai#115).
   */
  readonly thinkingConfig?: GeminiThinkingConfig;
}

/**
 * A budget or a level (see `GeminiGenerationConfig.thinkingConfig`); `includeThoughts` asks for thought summaries,
 * parts with `thought: true` before the answer's (https://ai.google.dev/gemini-api/docs/thinking).
 */
export type GeminiThinkingConfig = ({ readonly thinkingBudget: number } | { readonly thinkingLevel: ThinkingLevel }) & {
  readonly includeThoughts?: true;
};

export interface GeminiToolConfig {
  readonly functionCallingConfig: {
    readonly mode: 'AUTO' | 'ANY' | 'NONE';
    readonly allowedFunctionNames?: readonly string[];
  };
}

export interface GeminiGenerateContentRequestBody {
  readonly contents: readonly GeminiContent[];
  /** A Content whose role is ignored by the API; sent as `user`, like the official SDK. */
  readonly systemInstruction?: { readonly role: 'user'; readonly parts: readonly { readonly text: string }[] };
  readonly generationConfig: GeminiGenerationConfig;
  readonly tools?: readonly { readonly functionDeclarations: readonly GeminiFunctionDeclaration[] }[];
  readonly toolConfig?: GeminiToolConfig;
}

/** One text's request in a `batchEmbedContents` body. */
export interface GeminiEmbedContentRequest {
  /** `models/{id}`: the same model as the URL's. */
  readonly model: string;
  readonly content: { readonly parts: readonly { readonly text: string }[]; readonly role: 'user' };
  /** Shorter vectors (our `dimensions`); absent: the model's own length. */
  readonly outputDimensionality?: number;
  /** What the vector is for (our `taskType`, Google's words); absent: Google's default. */
  readonly taskType?: EmbeddingTaskType;
}

export interface GeminiBatchEmbedContentsRequestBody {
  /** One per text, in order: the answer's `embeddings` come in the same order, one each. */
  readonly requests: readonly GeminiEmbedContentRequest[];
}
