/**
 * Refusing tool names longer than a provider takes (`ProviderDefinition.toolNameMaxLength`). Anthropic takes 128
 * characters (its 400 says so: "tools.18.custom.name: String should have at most 128 characters", anthropics/claude-code#96152); OpenAI's
 * function names and Gemini's function declarations take 64 (OpenAI: "string too long. Expected a string with
 * maximum length 64", cline/cline#11885; Gemini's FunctionDeclaration.name, "a maximum length of 64"). Claude
 * Code's MCP tools are named `mcp__<plugin>_<server>__<tool>` and pass 64 (anthropics/claude-code#23149): such a
 * call goes to Anthropic, and a provider that would refuse it is skipped before anything is sent. Only the built-in
 * OpenAI and Google carry the limit: OpenAI-compatible servers of one's own (vLLM, Ollama) take longer names.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ToolDefinition } from '../types.js';

/** Refuse, as an invalid argument for this provider (the router then asks a provider that takes it), a tool name longer than it takes. */
export function refuseLongToolNames(tools: readonly ToolDefinition[], options: { readonly maxLength: number }): void {
  for (let index = 0; index < tools.length; index += 1) {
    const { name } = tools[index]!;
    if (name.length <= options.maxLength) continue;
    throw new InvalidArgumentError({
      argument: `tools[${index}].name`,
      message: `Tool name "${name}" is ${name.length} characters; this provider takes at most ${options.maxLength}`,
    });
  }
}
