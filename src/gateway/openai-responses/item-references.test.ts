import { describe, expect, it } from 'vitest';
import { refusalOf } from '../gateway-http-error.test-support.js';
import { itemNotFound, itemReferenceIdsOf, withReferencedItems } from './item-references.js';

describe('item references in a Responses input', () => {
  const kept = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hi.', annotations: [] }] };

  it('are the items of type item_reference, or of an id alone, each id once; none is undefined', () => {
    const input = [
      { role: 'user', content: 'Hi' },
      { type: 'item_reference', id: 'msg_1' },
      { id: 'fc_1_0' },
      { type: 'message', id: 'msg_2', role: 'assistant', content: 'An item of its own, id and all.' },
      { type: 'item_reference', id: 'msg_1' },
    ];
    expect(itemReferenceIdsOf(input)).toEqual(['msg_1', 'fc_1_0']);
    expect(itemReferenceIdsOf([{ role: 'user', content: 'Hi' }])).toBeUndefined();
  });

  it('leave out of the look-up an id no item has (empty, longer than any made), though they are references', () => {
    expect(itemReferenceIdsOf([{ type: 'item_reference', id: '' }, { type: 'item_reference', id: 'x'.repeat(257) }])).toEqual([]);
  });

  it('refuse a reference whose id is not a string, naming its place', () => {
    expect(refusalOf(() => itemReferenceIdsOf([{ role: 'user', content: 'Hi' }, { type: 'item_reference', id: 7 }]))).toMatchObject({
      status: 400,
      param: 'input',
      message: expect.stringContaining('input[1].id must be a string'),
    });
  });

  it('are replaced by the items they name, everything else kept in its place', () => {
    const user = { role: 'user', content: 'Hi' };
    const notFound = (id: string) => itemNotFound(id, 60);
    expect(withReferencedItems([user, { type: 'item_reference', id: 'msg_1' }, user], new Map([['msg_1', kept]]), notFound)).toEqual([user, kept, user]);
  });

  it("are OpenAI's 404 when one names nothing kept: its message, param input, no code, what the gateway keeps", () => {
    const error = refusalOf(() => withReferencedItems([{ type: 'item_reference', id: 'msg_gone' }], new Map(), (id) => itemNotFound(id, 3600)));
    expect(error).toMatchObject({ status: 404, type: 'invalid_request_error', param: 'input', code: null });
    expect(error.message).toMatch(/^Item with id 'msg_gone' not found\. This gateway keeps the items it answered for 3600 s, for the key that asked/);
  });
});
