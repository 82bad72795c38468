/**
 * The label sets a labelled metric has met (labelled-counter.ts, labelled-histogram.ts): found from their label values
 * through nested Maps, one a label, without building a string or an object (prom-client builds both on every
 * increment or observation), each made once, when first met, and kept in the order met, the exposition's order.
 */

/** One label's values met so far, each to the next label's, or, at the last label, to the entry of the set they make. */
type ValuesMet<Entry> = Map<string, ValuesMet<Entry> | Entry>;

/** `Entry`: what a metric keeps for one set of label values (its labels and counts). */
export class LabelSets<Name extends string, Entry> {
  readonly #labelNames: readonly Name[];
  readonly #make: (labels: Record<string, string>) => Entry;
  #firstValues: ValuesMet<Entry> = new Map();
  #all: Entry[] = [];

  /** `make` builds a set's counts for its labels, once, when the set is first met. */
  constructor(labelNames: readonly Name[], make: (labels: Record<string, string>) => Entry) {
    if (labelNames.length < 1 || labelNames.length > 3) throw new Error('A labelled metric takes one to three labels.');
    this.#labelNames = labelNames;
    this.#make = make;
  }

  /** Every set met, in the order met. */
  get all(): readonly Entry[] {
    return this.#all;
  }

  /** The set of these values, given in the order of `labelNames` (as many as it has); made if first met. */
  find(first: string, second?: string, third?: string): Entry {
    const labelCount = this.#labelNames.length;
    let level = this.#firstValues;
    let found = level.get(first);
    if (labelCount > 1 && found !== undefined) {
      level = found as ValuesMet<Entry>;
      found = level.get(second!);
      if (labelCount > 2 && found !== undefined) {
        level = found as ValuesMet<Entry>;
        found = level.get(third!);
      }
    }
    return found === undefined ? this.#meet(first, second, third) : (found as Entry);
  }

  /** Forget every set. */
  clear(): void {
    this.#firstValues = new Map();
    this.#all = [];
  }

  #meet(first: string, second: string | undefined, third: string | undefined): Entry {
    const values = [first, second, third];
    const labels: Record<string, string> = {};
    let level = this.#firstValues;
    const last = this.#labelNames.length - 1;
    for (let index = 0; index < last; index += 1) {
      const value = values[index]!;
      let next = level.get(value) as ValuesMet<Entry> | undefined;
      if (next === undefined) level.set(value, (next = new Map()));
      labels[this.#labelNames[index]!] = value;
      level = next;
    }
    labels[this.#labelNames[last]!] = values[last]!;
    const set = this.#make(labels);
    level.set(values[last]!, set);
    this.#all.push(set);
    return set;
  }
}
