import { describe, expect, it } from 'vitest';
import { refusalOf } from '../gateway-http-error.test-support.js';
import { inputItemResource, inputItemsPage, inputItemsQueryOf } from './input-items-list.js';
import { withItemIds } from './kept-turn.js';

const query = (text: string) => inputItemsQueryOf(new URLSearchParams(text));

describe('the input items list', () => {
  it("reads OpenAI's query: limit 20 and newest first unless asked, include taken and ignored", () => {
    expect(query('')).toEqual({ limit: 20, order: 'desc', after: undefined });
    expect(query('limit=100&order=asc&after=msg_1&include[]=message.input_image.image_url')).toEqual({ limit: 100, order: 'asc', after: 'msg_1' });
  });

  it('refuses a limit outside 1 to 100 and an order other than asc or desc, naming the parameter', () => {
    for (const [text, param] of [['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=2.5', 'limit'], ['limit=x', 'limit'], ['order=newest', 'order']]) {
      expect(refusalOf(() => query(text!))).toMatchObject({ status: 400, type: 'invalid_request_error', param });
    }
  });

  it("shows a message sent as { role, content } as OpenAI's input message item, an assistant's text as output_text, other items as kept", () => {
    expect(inputItemResource({ role: 'user', content: 'Hi', id: 'msg_1' })).toEqual({ id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'Hi' }] });
    expect(inputItemResource({ role: 'assistant', content: 'Hello.', id: 'msg_2' })).toMatchObject({ content: [{ type: 'output_text', text: 'Hello.', annotations: [] }] });
    const output = { type: 'function_call_output', call_id: 'call_1', output: '25', id: 'fco_1' };
    expect(inputItemResource(output)).toBe(output);
  });

  it('pages newest or oldest first after an item, saying whether more follow, and refuses an after that names none of them', () => {
    const items = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, type: 'function_call_output', call_id: id, output: '' }));
    expect(inputItemsPage(items, { limit: 2, order: 'desc', after: undefined })).toMatchObject({ object: 'list', first_id: 'e', last_id: 'd', has_more: true });
    expect(inputItemsPage(items, { limit: 2, order: 'asc', after: 'c' })).toMatchObject({ first_id: 'd', last_id: 'e', has_more: false });
    expect(inputItemsPage(items, { limit: 2, order: 'asc', after: 'e' })).toEqual({ object: 'list', data: [], first_id: null, last_id: null, has_more: false });
    expect(refusalOf(() => inputItemsPage(items, { limit: 2, order: 'asc', after: 'z' }))).toMatchObject({ status: 400, param: 'after' });
  });

  it('gives each kept input item of its own an id, once, as OpenAI names them, and leaves references and items with ids as they came', () => {
    const reference = { type: 'item_reference', id: 'msg_answer' };
    const [message, reference2, output, call] = withItemIds([{ role: 'user', content: 'Hi' }, reference, { type: 'function_call_output', call_id: 'c', output: '1' }, { type: 'function_call', id: 'fc_1' }]);
    expect(message).toMatchObject({ role: 'user', content: 'Hi', id: expect.stringMatching(/^msg_[0-9a-f]{32}$/) });
    expect(reference2).toBe(reference);
    expect(output).toMatchObject({ id: expect.stringMatching(/^fco_[0-9a-f]{32}$/) });
    expect(call).toEqual({ type: 'function_call', id: 'fc_1' });
  });
});
