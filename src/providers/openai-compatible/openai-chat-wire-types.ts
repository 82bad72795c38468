/** The OpenAI chat-completions wire format, as far as we send and read it. */

/** A user turn with images is a list of parts: its text, then each image by URL (an http(s) or data URL). */
export type OpenAIUserContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

export type OpenAIChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string | readonly OpenAIUserContentPart[] }
  | {
      readonly role: 'assistant';
      /** Null when the turn only calls tools, as OpenAI itself answers. */
      readonly content: string | null;
      readonly tool_calls?: readonly OpenAIToolCall[];
      /** The reasoning behind the answer, sent back only to providers that require it (Moonshot's thinking models). */
      readonly reasoning_content?: string;
    }
  | { readonly role: 'tool'; readonly tool_call_id: string; readonly content: string };

export interface OpenAIToolCall {
  readonly id: string;
  readonly type: 'function';
  readonly function: { readonly name: string; readonly arguments: string };
}

export interface OpenAITool {
  readonly type: 'function';
  readonly function: { readonly name: string; readonly description?: string; readonly parameters: unknown; readonly strict?: boolean };
}

export type OpenAIToolChoice =
  | 'auto'
  | 'none'
  | 'required'
  | { readonly type: 'function'; readonly function: { readonly name: string } };

export type OpenAIResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_object' }
  | {
      readonly type: 'json_schema';
      readonly json_schema: { readonly name: string; readonly schema: unknown; readonly strict?: boolean };
    };

export interface OpenAIChatRequestBody {
  readonly model: string;
  readonly messages: readonly OpenAIChatMessage[];
  readonly temperature?: number;
  readonly max_tokens?: number;
  readonly max_completion_tokens?: number;
  readonly top_p?: number;
  readonly seed?: number;
  readonly presence_penalty?: number;
  readonly frequency_penalty?: number;
  readonly stop?: readonly string[];
  readonly tools?: readonly OpenAITool[];
  readonly tool_choice?: OpenAIToolChoice;
  readonly parallel_tool_calls?: boolean;
  readonly response_format?: OpenAIResponseFormat;
  /** `none` only to a model that takes function tools with no other (see `ModelInfo.chatCompletionsTools`). */
  readonly reasoning_effort?: 'none' | 'minimal' | 'low' | 'medium' | 'high';
  readonly stream?: true;
  readonly stream_options?: { readonly include_usage: true };
}
