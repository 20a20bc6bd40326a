/**
 * What each network address holds of a shared resource (bytes of uploads in progress, open
 * streams), bounded per address so one address cannot take what everyone shares. Only addresses
 * holding something are kept.
 */
export class AddressShares {
  readonly #held = new Map<string, number>();
  readonly #share: number;

  /** @param share the most one address may hold */
  constructor(share: number) {
    this.#share = share;
  }

  /** Takes `amount` for `address` when that stays within its share; false (taking nothing) otherwise. */
  take(address: string, amount: number): boolean {
    const held = this.#held.get(address) ?? 0;
    if (held + amount > this.#share) return false;
    this.#held.set(address, held + amount);
    return true;
  }

  /** Gives back what {@link take} took. */
  give(address: string, amount: number): void {
    const left = (this.#held.get(address) ?? 0) - amount;
    if (left > 0) this.#held.set(address, left);
    else this.#held.delete(address);
  }
}
