/**
 * A Prometheus counter with labels, counted where an event finds its label values without making anything (a
 * Map a label, each set of values met once), and handed to prom-client when the registry is scraped. prom-client's
 * own `inc(labels)` builds a string of the labels and a result object on every call (prom-client 15.1,
 * lib/counter.js `incWithoutExemplar`, lib/util.js `hashObject`), though a gateway meets a handful of label sets:
 * with the label object a call site makes, 250 to 400 bytes an increment. The exposition is prom-client's, the
 * sets in the order they were first met, as its own counter gives them.
 */
import { Counter, type Registry } from 'prom-client';
import { LabelSets } from './label-sets.js';

interface LabelSet {
  readonly labels: Record<string, string>;
  count: number;
}

export class LabelledCounter<Name extends string> {
  readonly #sets: LabelSets<Name, LabelSet>;

  constructor(options: { readonly name: string; readonly help: string; readonly labelNames: readonly Name[]; readonly registers: Registry[] }) {
    const sets = new LabelSets<Name, LabelSet>(options.labelNames, (labels) => ({ labels, count: 0 }));
    this.#sets = sets;
    new Counter<Name>({
      name: options.name,
      help: options.help,
      labelNames: options.labelNames,
      registers: options.registers,
      // Scrape time: prom-client's counter is given the totals afresh.
      collect(this: Counter<Name>) {
        this.reset();
        for (const set of sets.all) this.inc(set.labels as Partial<Record<Name, string>>, set.count);
      },
    });
  }

  /** Add one to the set of these values, given in the order of `labelNames` (as many as it has). */
  inc(first: string, second?: string, third?: string): void {
    this.#sets.find(first, second, third).count += 1;
  }
}
