import { matches, type Pattern } from '../../bus/pattern.js';
import type { Telemetry } from '../../bus/telemetry.js';
import type { Measurements, Metadata } from '../../bus/types.js';
import { type StreamStats, streamMessage } from '../../export/collector-wire.js';
import { uuidv7 } from '../../id/uuidv7.js';
import type { ControlStore } from './control-store.js';
import type { MetadataSanitizer } from './options.js';

/** Who a stream is for: the events it carries and the client whose control it follows. */
export interface StreamSubscription {
  /** Only events matching this pattern; `undefined` for a control-only stream. */
  readonly pattern: Pattern | undefined;
  readonly clientId: string | undefined;
  /** Called once when the stream ends, however it ends. */
  readonly onClose?: (() => void) | undefined;
}

interface StreamClient extends StreamSubscription {
  readonly controller: ReadableStreamDefaultController<Uint8Array>;
  closed: boolean;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(': heartbeat\n\n');

/**
 * Serves `GET /v1/stream`: Server-Sent Events of the bus's live events and control pushes. Each
 * reader has a bounded queue; a reader that falls behind by more than that is dropped and counted
 * rather than letting the server buffer without limit. The bus handler is attached only while a
 * reader wants events, so an idle collector adds nothing to the server's emits.
 */
export class StreamHub {
  readonly #clients = new Set<StreamClient>();
  readonly #handlerId = `isotel.collector.stream.${uuidv7()}`;
  readonly #telemetry: Telemetry;
  readonly #controls: ControlStore;
  readonly #sanitize: MetadataSanitizer;
  readonly #buffered: number;
  readonly #onDrop: () => void;
  #eventReaders = 0;
  #opened = 0;
  #droppedSlow = 0;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  readonly #unsubscribe: () => void;

  constructor(options: {
    telemetry: Telemetry;
    controls: ControlStore;
    sanitize: MetadataSanitizer;
    bufferedMessages: number;
    heartbeatMs: number;
    onDrop: () => void;
  }) {
    this.#telemetry = options.telemetry;
    this.#controls = options.controls;
    this.#sanitize = options.sanitize;
    this.#buffered = options.bufferedMessages;
    this.#onDrop = options.onDrop;
    this.#unsubscribe = this.#controls.subscribe((clientId) => this.#pushControl(clientId));
    this.#heartbeat = setInterval(() => this.#broadcast(HEARTBEAT), options.heartbeatMs);
    this.#heartbeat.unref?.();
  }

  /** Streams open now that read events (admin streams). */
  get readers(): number {
    return this.#eventReaders;
  }

  /** Control-only streams open now (clients following their control). */
  get controlOnly(): number {
    return this.#clients.size - this.#eventReaders;
  }

  /**
   * Opens a stream. Its first message is the control in force: for a client, only once one was
   * set for it or globally (as in ingest answers, so an exporter keeps its own control until the
   * collector has one to give); for an admin stream (no client id), always.
   */
  open(subscription: StreamSubscription): ReadableStream<Uint8Array> {
    let client: StreamClient | undefined;
    return new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          client = { ...subscription, controller, closed: false };
          this.#clients.add(client);
          this.#opened++;
          if (client.pattern !== undefined && this.#eventReaders++ === 0) this.#attach();
          controller.enqueue(encoder.encode('retry: 2000\n\n'));
          const clientId = client.clientId;
          if (clientId === undefined || this.#controls.answerFor(clientId) !== undefined) {
            this.#send(client, this.#controlMessage(clientId));
          }
        },
        cancel: () => {
          if (client !== undefined) this.#remove(client);
        },
      },
      new CountQueuingStrategy({ highWaterMark: this.#buffered }),
    );
  }

  /** Counters. */
  stats(): StreamStats {
    return { open: this.#clients.size, opened: this.#opened, droppedSlow: this.#droppedSlow };
  }

  /** Ends every stream (a final `event: shutdown`) and stops the heartbeat. */
  close(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    this.#unsubscribe();
    const bye = encoder.encode(streamMessage('shutdown', {}));
    for (const client of [...this.#clients]) {
      try {
        client.controller.enqueue(bye);
        client.controller.close();
      } catch {
        // already errored or closed by the reader
      }
      this.#remove(client);
    }
  }

  #attach(): void {
    this.#telemetry.attach(
      this.#handlerId,
      '**',
      (name, measurements, metadata) => this.#onEvent(name, measurements, metadata),
      { onFailure: 'keep' },
    );
  }

  #onEvent(name: string, measurements: Measurements, metadata: Metadata): void {
    let message: Uint8Array | undefined;
    for (const client of this.#clients) {
      if (client.pattern === undefined || !matches(client.pattern, name)) continue;
      message ??= this.#eventMessage(name, measurements, metadata);
      this.#send(client, message);
    }
  }

  #eventMessage(name: string, measurements: Measurements, metadata: Metadata): Uint8Array {
    // remote events were sanitised at ingest; a local event's metadata may hold Errors (which
    // JSON.stringify turns into {}), BigInts or cycles (which make it throw)
    const safe = metadata.remote === true ? metadata : this.#sanitize(metadata);
    let message: string;
    try {
      message = streamMessage('event', { name, measurements, metadata: safe });
    } catch {
      message = streamMessage('event', { name, measurements: {}, metadata: {} }); // a custom sanitiser let something through
    }
    return encoder.encode(message);
  }

  #controlMessage(clientId: string | undefined): Uint8Array {
    return encoder.encode(streamMessage('control', this.#controls.effective(clientId)));
  }

  // A change of the global control reaches every stream whose client has no override of its own.
  #pushControl(changed: string | undefined): void {
    for (const client of this.#clients) {
      const concerned =
        changed === undefined
          ? client.clientId === undefined || !this.#controls.hasOverride(client.clientId)
          : client.clientId === changed;
      if (concerned) this.#send(client, this.#controlMessage(client.clientId));
    }
  }

  #broadcast(message: Uint8Array): void {
    for (const client of this.#clients) this.#send(client, message);
  }

  #send(client: StreamClient, message: Uint8Array): void {
    if (client.closed) return;
    if ((client.controller.desiredSize ?? 0) <= 0) {
      this.#droppedSlow++;
      this.#remove(client);
      try {
        client.controller.error(new Error('The stream reader fell too far behind and was dropped.'));
      } catch {
        // already closed
      }
      this.#onDrop();
      return;
    }
    client.controller.enqueue(message);
  }

  #remove(client: StreamClient): void {
    if (client.closed) return;
    client.closed = true;
    this.#clients.delete(client);
    client.onClose?.();
    if (client.pattern !== undefined && --this.#eventReaders === 0) this.#telemetry.detach(this.#handlerId);
  }
}
