import { describe, expect, it } from 'vitest';
import { LinkedList } from './linked-list.js';

describe('LinkedList', () => {
  it('keeps what was added, in order, until each entry is removed, from anywhere in the list', () => {
    const list = new LinkedList<string>();
    const first = list.add('first');
    const middle = list.add('middle');
    const last = list.add('last');
    expect(list.values()).toEqual(['first', 'middle', 'last']);
    list.remove(middle);
    expect(list.values()).toEqual(['first', 'last']);
    list.remove(first);
    expect(list.values()).toEqual(['last']);
    list.add('after');
    list.remove(last);
    expect(list.values()).toEqual(['after']);
    expect(list.size).toBe(1);
  });

  it('removes an entry once: removing it again changes nothing', () => {
    const list = new LinkedList<number>();
    const one = list.add(1);
    list.add(2);
    expect(list.remove(one)).toBe(true);
    expect(list.remove(one)).toBe(false);
    expect(list.size).toBe(1);
    expect(list.values()).toEqual([2]);
  });

  it('takes the same value twice as two entries', () => {
    const list = new LinkedList<string>();
    const value = 'same';
    const firstEntry = list.add(value);
    list.add(value);
    list.remove(firstEntry);
    expect(list.values()).toEqual(['same']);
  });

  it('gives a copy of its values, so that entries removed while going through it are all still visited', () => {
    const list = new LinkedList<string>();
    const entries = ['a', 'b', 'c'].map((value) => list.add(value));
    const visited: string[] = [];
    for (const value of list.values()) {
      visited.push(value);
      for (const entry of entries) list.remove(entry);
    }
    expect(visited).toEqual(['a', 'b', 'c']);
    expect(list.size).toBe(0);
    expect(list.values()).toEqual([]);
  });

  it('clears every entry at once, and an entry cleared is not removed twice', () => {
    const list = new LinkedList<string>();
    const first = list.add('a');
    list.add('b');
    list.clear();
    expect(list.size).toBe(0);
    expect(list.values()).toEqual([]);
    list.remove(first);
    list.add('c');
    expect(list.size).toBe(1);
    expect(list.values()).toEqual(['c']);
  });
});
