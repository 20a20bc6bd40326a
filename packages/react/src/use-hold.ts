import { useInsertionEffect } from 'react';

/** @internal Something a component holds while it is mounted: `hold` returns the release. */
export interface Holdable {
  hold(): () => void;
}

/**
 * @internal Holds `target` from the commit that mounts the component until it unmounts (or until
 * `target` changes), and releases it exactly then.
 *
 * It is an insertion effect, the only kind React treats that way:
 * - it runs before every layout and passive effect of the commit, so a handler held here already
 *   hears what earlier siblings and children emit in their layout effects, and what later
 *   siblings emit in their insertion effects (those of children and earlier siblings run before);
 * - StrictMode does not re-run it, so nothing is released and held again in development;
 * - a hide (`<Activity mode="hidden">`, a Suspense boundary showing its fallback again) keeps it,
 *   while it destroys layout and passive effects, so a release here means a real unmount;
 * - it never runs on the server.
 *
 * `hold` and its release run inside React's commit, where React forbids state updates: they must
 * not emit events or notify React synchronously.
 */
export function useHold(target: Holdable): void {
  useInsertionEffect(() => target.hold(), [target]);
}
