/**
 * A tool call's `function.arguments` on the OpenAI wire, as the JSON text our ToolCall holds. OpenAI specifies a
 * string of JSON; some OpenAI-compatible servers write the JSON value itself: Hugging Face TGI
 * (huggingface/text-generation-inference#2136), llama-server after its autoparser refactor
 * (ggml-org/llama.cpp#20198) and with `--tool-args-object` since (#20202). Clients send such values back in their
 * history, as do clients that follow Ollama's own API, where arguments are an object. The OpenAI-compatible parsers
 * (answers) and the gateway (a client's history) read them here.
 */

/**
 * A string as it is; an object or array as its JSON text; undefined for anything else (a number, a boolean, null,
 * nothing), which each reader treats its own way. Never throws: a value nested too deep for JSON.stringify (which
 * recurses where JSON.parse does not, so such a value parses) is undefined too.
 */
export function toolArgumentsText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}
