interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/**
 * How many of this exporter's own events the collector acknowledged, whichever tab or worker
 * sharing its queue sent them. The sender counts its own and posts the others' counts, as
 * `[source, count]` pairs, on a `BroadcastChannel` every exporter of the same queue listens to;
 * a source is the JSON members (`clientId`, `sessionId`) every record of a page or worker ends
 * with, so it names one exporter's events. Where BroadcastChannel is missing (or refused, in an
 * opaque origin) the count covers this exporter's own sends only.
 */
export class DeliveredCounts {
  readonly #source: string;
  #channel: ChannelLike | undefined;
  #count = 0;

  constructor(source: string) {
    this.#source = source;
  }

  /** This exporter's events acknowledged so far. */
  get count(): number {
    return this.#count;
  }

  /** Starts hearing of (and telling) the others sharing the queue named `queueName`. */
  share(queueName: string): void {
    const Channel = (globalThis as { BroadcastChannel?: new (name: string) => ChannelLike }).BroadcastChannel;
    if (typeof Channel !== 'function' || this.#channel !== undefined) return;
    try {
      this.#channel = new Channel(`isotel-exporter:${queueName}`);
      this.#channel.onmessage = (event) => this.#heard(event.data);
    } catch {
      this.#channel = undefined;
    }
  }

  /** This exporter's request got these records acknowledged, counted by source. */
  sent(bySource: ReadonlyMap<string, number>): void {
    const others: [string, number][] = [];
    for (const [source, count] of bySource) {
      if (source === this.#source) this.#count += count;
      else others.push([source, count]);
    }
    if (others.length > 0) this.#channel?.postMessage(others);
  }

  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
  }

  // another exporter's message: [source, count] pairs; anything else is ignored
  #heard(data: unknown): void {
    if (!Array.isArray(data)) return;
    for (const entry of data) {
      if (Array.isArray(entry) && entry[0] === this.#source && typeof entry[1] === 'number') this.#count += entry[1];
    }
  }
}
