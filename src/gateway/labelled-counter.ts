/**
 * A Prometheus counter with labels, counted where an event finds its label values without making anything (a
 * Map a label, each set of values met once), and handed to prom-client when the registry is scraped. prom-client's
 * own `inc(labels)` builds a string of the labels and a result object on every call (prom-client 15.1,
 * lib/counter.js `incWithoutExemplar`, lib/util.js `hashObject`), though a gateway meets a handful of label sets:
 * with the label object a call site makes, 250 to 400 bytes an increment. The exposition is prom-client's, the
 * sets in the order they were first met, as its own counter gives them.
 */
import { Counter, type Registry } from 'prom-client';

interface LabelSet {
  readonly labels: Record<string, string>;
  count: number;
}

/** One label's values met so far, each to the next label's, or, at the last label, to the set they make. */
type ValuesMet = Map<string, ValuesMet | LabelSet>;

export class LabelledCounter<Name extends string> {
  readonly #labelNames: readonly Name[];
  readonly #firstValues: ValuesMet = new Map();
  /** Every set met, in the order met: the exposition's order. */
  readonly #sets: LabelSet[] = [];

  constructor(options: { readonly name: string; readonly help: string; readonly labelNames: readonly Name[]; readonly registers: Registry[] }) {
    if (options.labelNames.length < 1 || options.labelNames.length > 3) throw new Error('A LabelledCounter takes one to three labels.');
    this.#labelNames = options.labelNames;
    const sets = this.#sets;
    new Counter<Name>({
      name: options.name,
      help: options.help,
      labelNames: options.labelNames,
      registers: options.registers,
      // Scrape time: prom-client's counter is given the totals afresh.
      collect(this: Counter<Name>) {
        this.reset();
        for (const set of sets) this.inc(set.labels as Partial<Record<Name, string>>, set.count);
      },
    });
  }

  /** Add one to the set of these values, given in the order of `labelNames` (as many as it has). */
  inc(first: string, second?: string, third?: string): void {
    const labelCount = this.#labelNames.length;
    let level = this.#firstValues;
    let found = level.get(first);
    if (labelCount > 1 && found !== undefined) {
      level = found as ValuesMet;
      found = level.get(second!);
      if (labelCount > 2 && found !== undefined) {
        level = found as ValuesMet;
        found = level.get(third!);
      }
    }
    if (found === undefined) {
      this.#meet(first, second, third).count += 1;
      return;
    }
    (found as LabelSet).count += 1;
  }

  /** A set of values met for the first time: its place in the maps, and in the exposition. */
  #meet(first: string, second: string | undefined, third: string | undefined): LabelSet {
    const values = [first, second, third];
    const labels: Record<string, string> = {};
    let level = this.#firstValues;
    const last = this.#labelNames.length - 1;
    for (let index = 0; index < last; index += 1) {
      const value = values[index]!;
      let next = level.get(value) as ValuesMet | undefined;
      if (next === undefined) level.set(value, (next = new Map()));
      labels[this.#labelNames[index]!] = value;
      level = next;
    }
    labels[this.#labelNames[last]!] = values[last]!;
    const set: LabelSet = { labels, count: 0 };
    level.set(values[last]!, set);
    this.#sets.push(set);
    return set;
  }
}
