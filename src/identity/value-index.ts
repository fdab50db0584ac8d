/**
 * An index of holders by a value that is usually unique (an anchor, a UPN, an address): one map
 * entry per value and a list only for values held more than once, so indexing a tenant does not
 * make a list per user.
 */
export class ValueIndex<T> {
  private readonly firsts = new Map<string, T>();
  /** Values held more than once → all their holders, in the order added. */
  readonly shared = new Map<string, T[]>();

  add(value: string, holder: T): void {
    const first = this.firsts.get(value);
    if (first === undefined) {
      this.firsts.set(value, holder);
      return;
    }
    const shared = this.shared.get(value);
    if (shared) shared.push(holder);
    else this.shared.set(value, [first, holder]);
  }

  /** The first holder of `value`. */
  first(value: string): T | undefined {
    return this.firsts.get(value);
  }

  /** Every holder of `value`, in the order added (a new list for a single holder); undefined when none. */
  get(value: string): T[] | undefined {
    const shared = this.shared.size === 0 ? undefined : this.shared.get(value);
    if (shared !== undefined) return shared;
    const first = this.firsts.get(value);
    return first === undefined ? undefined : [first];
  }
}
