import { uuidv7 } from '../id/uuidv7.js';

const CLIENT_ID_KEY = 'isotel.clientId';

/**
 * The id of this browser profile, kept in localStorage so every tab and every reload share it.
 * Where localStorage is missing or refuses (private modes, workers, Node), a fresh id per
 * exporter: the events still flow, they just cannot be tied to earlier sessions.
 */
export function persistentClientId(): string {
  const storage = localStorageOrUndefined();
  try {
    const known = storage?.getItem(CLIENT_ID_KEY);
    if (known) return known;
    const id = uuidv7();
    storage?.setItem(CLIENT_ID_KEY, id);
    return id;
  } catch {
    return uuidv7();
  }
}

function localStorageOrUndefined(): Storage | undefined {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage;
  } catch {
    // reading localStorage itself throws where storage is blocked
    return undefined;
  }
}

let pageSessionId: string | undefined;

/** New per page load (per JS realm): every exporter in one page shares it. */
export function pageSession(): string {
  pageSessionId ??= uuidv7();
  return pageSessionId;
}
