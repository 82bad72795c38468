/**
 * The numbered events of one streamed Responses answer (every event has its `sequence_number`), and the output
 * items closed so far: an item's `output_index` is how many closed before it.
 */
import type { ResponseOutputItem } from './responses-output.js';

export class ResponsesEventSequence {
  /** The response's id, which the ids of the items we number are made from. */
  readonly responseId: string;
  readonly #done: ResponseOutputItem[] = [];
  #sequence = 0;

  constructor(responseId: string) {
    this.responseId = responseId;
  }

  /** The output items closed so far, as their `output_item.done` events gave them. */
  get output(): readonly ResponseOutputItem[] {
    return this.#done;
  }

  /** The `output_index` of the next item to open: the count of those closed. */
  get nextOutputIndex(): number {
    return this.#done.length;
  }

  /** An item whole, as its `output_item.done` event gives it. */
  itemDone(item: ResponseOutputItem): void {
    this.#done.push(item);
  }

  /** One SSE event, numbered after the one before. */
  event(type: string, fields: Record<string, unknown>): string {
    const data = JSON.stringify({ type, sequence_number: this.#sequence++, ...fields });
    return `event: ${type}\ndata: ${data}\n\n`;
  }
}
