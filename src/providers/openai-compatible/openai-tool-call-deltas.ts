/**
 * The tool-call deltas of one OpenAI-compatible stream, each put in its call: the chunk's `index` is the call's
 * place in the answer (0, 1, 2... as the calls begin), not the wire's `index`, which servers get wrong.
 *
 * OpenAI numbers a message's calls 0, 1, 2 and names a call's id and function on its first delta only. Servers
 * put behind a base URL do otherwise, and each way is read here as what it means:
 * - every call of a parallel batch at `index: 0` (Ollama, ollama/ollama#15457; SGLang, sgl-project/sglang#7117;
 *   NVIDIA Dynamo, ai-dynamo/dynamo#4723), or no `index` at all (Ollama before 0.4.7, ollama/ollama#7881; the
 *   delta's place in its `tool_calls` array stands in), each call still opening with its own id and name: a delta
 *   that names a function with an id other than the open call's at that index starts a new call;
 * - the call's id repeated on every delta (vLLM): the same id goes on with its call;
 * - a fresh id on every argument fragment, the name on the first delta only (LM Studio, Kimi's coding endpoint;
 *   hermes-agent#5254, #45164): a delta that names no function cannot open a call, so it goes on with the open one
 *   whatever its id;
 * - the name on every delta (MiniMax through NVIDIA NIM, hermes-agent#8259): with no other id, or with an index,
 *   it goes on with its call.
 * A delta with neither index nor id but a name, when the open call has a name already, starts a new call: nothing
 * else could tell two such calls apart, and every server known to send no index sends each call whole in one delta.
 * Any other delta without an id goes on with the call last opened at its index.
 *
 * A call's id and name are given on its first chunk only (a name on a later chunk when the first had none): the
 * ids and names servers repeat or change on later deltas are dropped, so no consumer reads them twice.
 */
import { readNumber, readString, asRecord } from '../../json-value.js';
import { toolArgumentsText } from '../../tool-arguments-text.js';
import type { Mutable, StreamChunk } from '../../types.js';

type ToolCallDelta = Extract<StreamChunk, { type: 'tool-call-delta' }>;

/** The call last opened at one wire index. */
interface OpenCall {
  /** Its place in the answer. */
  readonly index: number;
  /** Its id, once a delta gave one ('' is none). */
  id: string | undefined;
  named: boolean;
}

export class OpenAIToolCallDeltas {
  /** The call last opened at each wire index (or place in `tool_calls` when the delta has no index). */
  #open: Map<number, OpenCall> | undefined;
  #calls = 0;

  /** Whether any delta was a call's. */
  get calledTools(): boolean {
    return this.#calls > 0;
  }

  /** The chunk of one entry of a delta's `tool_calls`, `position` its place there; undefined when it is no object. */
  decode(value: unknown, position: number): ToolCallDelta | undefined {
    const call = asRecord(value);
    if (call === undefined) return undefined;
    const fn = asRecord(call.function);
    const wireIndex = readNumber(call.index);
    const id = nonEmpty(readString(call.id));
    const name = nonEmpty(readString(fn?.name));
    // Arguments as an object (or array), not text (TGI, llama-server with --tool-args-object: the whole call in one
    // delta), are its JSON text; any other value, none.
    const argumentsDelta = toolArgumentsText(fn?.arguments) ?? '';
    const open = (this.#open ??= new Map());
    const key = wireIndex ?? position;
    const current = open.get(key);
    // Only a delta that names a function opens a call where one is open: with an id not the open call's, or, with
    // neither id nor index, when the open call has its name.
    const opensCall = current === undefined || (name !== undefined && (id !== undefined ? id !== current.id : wireIndex === undefined && current.named));
    if (opensCall) {
      const started: OpenCall = { index: this.#calls++, id, named: name !== undefined };
      open.set(key, started);
      // The wire's id as it came ('' included): the router makes one for a call without (ToolCallIds).
      const rawId = readString(call.id);
      const chunk: Mutable<ToolCallDelta> = { type: 'tool-call-delta', index: started.index, argumentsDelta };
      if (rawId !== undefined) chunk.id = rawId;
      if (name !== undefined) chunk.name = name;
      return chunk;
    }
    current.id ??= id;
    if (name === undefined || current.named) return { type: 'tool-call-delta', index: current.index, argumentsDelta };
    current.named = true;
    return { type: 'tool-call-delta', index: current.index, name, argumentsDelta };
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === '' ? undefined : value;
}
