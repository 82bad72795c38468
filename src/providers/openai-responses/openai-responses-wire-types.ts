/**
 * OpenAI's Responses API (`POST /v1/responses`), as far as we send it. Shapes as recorded in public traffic:
 * pydantic/pydantic-ai's cassettes `tests/models/cassettes/test_openai_responses/` (input messages, `input_image`
 * parts, `function_call` and `function_call_output` items, `text.format` json_schema) and vercel/ai's
 * `packages/openai/src/responses/__fixtures__/` (answers and streams); provenance in test/fixtures/SOURCES.md.
 */

export type OpenAIResponsesContentPart =
  | { readonly type: 'input_text'; readonly text: string }
  | { readonly type: 'input_image'; readonly image_url: string };

/** A message item: `developer` (OpenAI's word for system with reasoning models), `system`, `user` or `assistant`. */
export interface OpenAIResponsesMessageItem {
  readonly role: 'developer' | 'system' | 'user' | 'assistant';
  readonly content: string | readonly OpenAIResponsesContentPart[];
}

/** A tool call the model made in an earlier turn, given back with the `call_id` its output names. */
export interface OpenAIResponsesFunctionCallItem {
  readonly type: 'function_call';
  readonly call_id: string;
  readonly name: string;
  readonly arguments: string;
}

export interface OpenAIResponsesFunctionCallOutputItem {
  readonly type: 'function_call_output';
  readonly call_id: string;
  readonly output: string;
}

/**
 * A reasoning item the model answered in an earlier turn, given back whole with `store: false`: its id, its
 * encrypted content and its summary parts (vercel/ai `packages/openai/src/responses/convert-to-openai-responses-input.ts`
 * sends a reasoning part so; OpenAI's answer carries it so: `openai-reasoning-encrypted-content.1.json`).
 */
export interface OpenAIResponsesReasoningItem {
  readonly type: 'reasoning';
  /** Absent for an item a client sent back without it (Codex sends none). */
  readonly id?: string;
  readonly encrypted_content: string;
  readonly summary: readonly { readonly type: 'summary_text'; readonly text: string }[];
}

export type OpenAIResponsesInputItem =
  | OpenAIResponsesMessageItem
  | OpenAIResponsesReasoningItem
  | OpenAIResponsesFunctionCallItem
  | OpenAIResponsesFunctionCallOutputItem;

/** A function tool: flat, not nested under `function` as on chat completions. */
export interface OpenAIResponsesTool {
  readonly type: 'function';
  readonly name: string;
  readonly description?: string;
  readonly parameters: unknown;
  readonly strict?: boolean;
}

export type OpenAIResponsesToolChoice = 'auto' | 'none' | 'required' | { readonly type: 'function'; readonly name: string };

export type OpenAIResponsesTextFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | { readonly type: 'json_schema'; readonly name: string; readonly schema: unknown; readonly strict?: boolean };

export interface OpenAIResponsesRequestBody {
  readonly model: string;
  readonly input: readonly OpenAIResponsesInputItem[];
  /** Always false: nothing we send is kept by OpenAI, and no answer is referred to by id later. */
  readonly store: false;
  readonly temperature?: number;
  readonly top_p?: number;
  readonly presence_penalty?: number;
  readonly frequency_penalty?: number;
  readonly max_output_tokens?: number;
  readonly tools?: readonly OpenAIResponsesTool[];
  readonly tool_choice?: OpenAIResponsesToolChoice;
  readonly parallel_tool_calls?: boolean;
  readonly text?: { readonly format: OpenAIResponsesTextFormat };
  /** The effort asked, and a summary only for a provider that opts in (see build-openai-responses-request.ts). */
  readonly reasoning?: { readonly effort?: 'none' | 'minimal' | 'low' | 'medium' | 'high'; readonly summary?: 'auto' };
  /** A reasoning model's reasoning items come back with their encrypted content, to be given back in the next turn. */
  readonly include?: readonly 'reasoning.encrypted_content'[];
  readonly stream?: true;
}
