import { logger } from '../log/logger.js';

interface EventSourceLike {
  addEventListener(type: string, listener: (event: { data: string }) => void): void;
  close(): void;
}

type EventSourceConstructor = new (url: string) => EventSourceLike;

/**
 * Follows the collector's control pushes for one client (`GET /v1/stream?clientId=`, Server-Sent
 * Events), so a control change applies at once rather than at the next flush. The token goes in
 * the query because `EventSource` cannot set headers. A no-op where `EventSource` is missing;
 * the browser reconnects by itself after a network failure. Returns a function that stops it.
 */
export function followControl(
  baseUrl: string,
  clientId: string,
  token: string | undefined,
  apply: (control: unknown) => void,
): () => void {
  const EventSourceImpl = (globalThis as { EventSource?: EventSourceConstructor }).EventSource;
  if (EventSourceImpl === undefined) return () => undefined;
  let url = `${baseUrl}/v1/stream?clientId=${encodeURIComponent(clientId)}`;
  if (token !== undefined) url += `&token=${encodeURIComponent(token)}`;
  const source = new EventSourceImpl(url);
  source.addEventListener('control', (event) => {
    let control: unknown;
    try {
      control = JSON.parse(event.data);
    } catch (error) {
      logger().warn('The collector pushed a control that is not JSON; ignored.', error);
      return;
    }
    apply(control);
  });
  return () => source.close();
}
