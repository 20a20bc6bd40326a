// A mergeable quantile sketch with a relative-error guarantee, after DDSketch (Masson, Rim and
// Lee, VLDB 2019): values fall into logarithmic buckets of ratio gamma = (1 + a) / (1 - a), so any
// quantile read back is within relative error `a` of the true value at that rank. Buckets live
// in dense arrays; past `maxBuckets` the lowest buckets of a store are folded together, which
// keeps memory bounded and only coarsens the lowest quantiles of very wide ranges.

/** Options of {@link QuantileSketch}. */
export interface QuantileSketchOptions {
  /** Relative error of every quantile read back. @default 0.01 */
  relativeAccuracy?: number;
  /** Buckets kept per sign; past it the lowest are folded together. @default 2048 */
  maxBuckets?: number;
}

// Magnitudes below this count as zero (log of tiny values would need huge negative keys).
const MIN_INDEXABLE = 1e-9;

class BucketStore {
  counts: number[] = [];
  offset = 0;
  total = 0;

  constructor(private readonly maxBuckets: number) {}

  add(key: number, count: number): void {
    if (this.counts.length === 0) {
      this.offset = key;
      this.counts.push(0);
    } else if (key < this.offset) {
      const grow = this.offset - key;
      this.counts = new Array<number>(grow).fill(0).concat(this.counts);
      this.offset = key;
    } else if (key >= this.offset + this.counts.length) {
      const grow = key - (this.offset + this.counts.length) + 1;
      for (let i = 0; i < grow; i++) this.counts.push(0);
    }
    const index = Math.max(0, key - this.offset);
    this.counts[index] = (this.counts[index] as number) + count;
    this.total += count;
    if (this.counts.length > this.maxBuckets) this.#collapseLowest();
  }

  #collapseLowest(): void {
    const excess = this.counts.length - this.maxBuckets;
    let folded = 0;
    for (let i = 0; i <= excess; i++) folded += this.counts[i] as number;
    this.counts = this.counts.slice(excess);
    this.counts[0] = folded;
    this.offset += excess;
  }
}

/**
 * A bounded, mergeable sketch of a distribution of numbers, answering quantiles within a stated
 * relative error.
 *
 * @example
 * const s = new QuantileSketch({ relativeAccuracy: 0.01 })
 * for (const d of durations) s.accept(d)
 * s.getValueAtQuantile(0.99) // within 1 % of the true p99
 */
export class QuantileSketch {
  readonly relativeAccuracy: number;
  readonly #gamma: number;
  readonly #multiplier: number;
  readonly #positive: BucketStore;
  readonly #negative: BucketStore;
  #zero = 0;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  constructor(options: QuantileSketchOptions = {}) {
    const accuracy = options.relativeAccuracy ?? 0.01;
    if (!(accuracy > 0 && accuracy < 1)) throw new RangeError(`relativeAccuracy must be in (0, 1), got ${accuracy}`);
    const maxBuckets = options.maxBuckets ?? 2048;
    this.relativeAccuracy = accuracy;
    this.#gamma = (1 + accuracy) / (1 - accuracy);
    this.#multiplier = 1 / Math.log(this.#gamma);
    this.#positive = new BucketStore(maxBuckets);
    this.#negative = new BucketStore(maxBuckets);
  }

  /** Adds a value (`count` times). Non-finite values are ignored. */
  accept(value: number, count = 1): void {
    if (!Number.isFinite(value) || !(count > 0)) return;
    if (value > MIN_INDEXABLE) this.#positive.add(this.#key(value), count);
    else if (value < -MIN_INDEXABLE) this.#negative.add(this.#key(-value), count);
    else this.#zero += count;
    this.count += count;
    this.sum += value * count;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Adds every value of another sketch of the same accuracy into this one. */
  merge(other: QuantileSketch): void {
    if (other.relativeAccuracy !== this.relativeAccuracy) {
      throw new RangeError('Only sketches of the same relativeAccuracy can be merged.');
    }
    const from = (source: BucketStore, target: BucketStore) => {
      source.counts.forEach((c, i) => {
        if (c > 0) target.add(source.offset + i, c);
      });
    };
    from(other.#positive, this.#positive);
    from(other.#negative, this.#negative);
    this.#zero += other.#zero;
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** The value at quantile `q` (0..1), or NaN when empty. */
  getValueAtQuantile(q: number): number {
    if (this.count === 0 || !(q >= 0 && q <= 1)) return Number.NaN;
    const rank = q * (this.count - 1);
    let seen = 0;
    const negative = this.#negative;
    for (let i = negative.counts.length - 1; i >= 0; i--) {
      seen += negative.counts[i] as number;
      if (seen > rank) return this.#clamp(-this.#value(negative.offset + i));
    }
    seen += this.#zero;
    if (seen > rank) return this.#clamp(0);
    const positive = this.#positive;
    for (let i = 0; i < positive.counts.length; i++) {
      seen += positive.counts[i] as number;
      if (seen > rank) return this.#clamp(this.#value(positive.offset + i));
    }
    return this.max;
  }

  /** Buckets in use (both signs): the sketch's memory is proportional to this. */
  get bucketCount(): number {
    return this.#positive.counts.length + this.#negative.counts.length;
  }

  #key(magnitude: number): number {
    return Math.ceil(Math.log(magnitude) * this.#multiplier);
  }

  // the point of bucket (gamma^(k-1), gamma^k] within relative error a of every value in it
  #value(key: number): number {
    return (2 * this.#gamma ** key) / (1 + this.#gamma);
  }

  #clamp(value: number): number {
    return Math.min(this.max, Math.max(this.min, value));
  }
}
