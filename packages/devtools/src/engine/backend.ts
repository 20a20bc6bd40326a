import type { ControlState, HandlerInfo, Measurements, Metadata } from '@isotel/core';
import type { ExporterStatus } from '@isotel/core/wire';

/** Receives each event the panel watches. */
export type EventSink = (name: string, measurements: Measurements, metadata: Metadata) => void;

/** Runtime control as DESIGN.md §5 describes it (core's `ControlState`). */
export type { ControlState };

/** Counters the Control tab shows. */
export interface BackendStats {
  /** Events not delivered, per reason. */
  readonly dropped: Readonly<Record<string, number>>;
  readonly handlerFailures?: number;
  /** The collector instance that answered (remote mode): behind a load balancer, stats are per instance. */
  readonly node?: string;
}

/** What a collector says of its exporters and reporters (`GET /v1/exporters`). */
export interface RemoteExporters {
  readonly exporters: readonly ExporterStatus[];
  /** The collector instance that answered (its `X-Isotel-Node`): behind a load balancer, each reports its own. */
  readonly node?: string;
}

/**
 * Why the event stream is down, as the panel's header shows it. `retrying` is false when the
 * source gave up until the user acts (a collector that refused the token): the header then
 * offers to reconnect.
 */
export interface StreamStatus {
  readonly message: string;
  readonly retrying: boolean;
}

/**
 * Where the panel's data comes from: the in-page bus, or a collector over HTTP. Every tab talks
 * to this interface only, so both modes share one UI.
 */
export interface DevtoolsBackend {
  /** Shown in the header (`in-page bus`, the collector URL). */
  readonly label: string;
  /** Starts delivering events; returns the function that stops. `onStatus(undefined)` means connected. */
  subscribe(sink: EventSink, onStatus: (status: StreamStatus | undefined) => void): () => void;
  handlers(): Promise<readonly HandlerInfo[]>;
  detach(handlerId: string): Promise<boolean>;
  stats(): Promise<BackendStats>;
  /**
   * The exporters and reporters of the source itself, where it reports them (a collector); the
   * page's own exporters are the `exporters` option, not this.
   */
  exporters?(): Promise<RemoteExporters>;
  /** The current control, or undefined where the bus has no runtime control. */
  control(): Promise<ControlState | undefined>;
  /** Applies a control; rejects with the validation message and leaves the previous one in force. */
  setControl(next: ControlState): Promise<ControlState>;
  /** Calls back when the control changes (from this panel or elsewhere). */
  onControlChange(callback: () => void): () => void;
  dispose(): void;
}

/** Handler ids the panel itself uses; they are hidden from the Handlers tab. */
export const DEVTOOLS_HANDLER_PREFIX = 'isotel.devtools.';
