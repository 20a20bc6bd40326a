import { useEmit } from '@isotel/react';
import { useSyncExternalStore } from 'react';
import { isOffline, setOffline, subscribeOffline } from './network-switch.js';

/** A switch that takes the exporter offline and back. */
export function OfflineSwitch() {
  const emit = useEmit();
  const offline = useSyncExternalStore(subscribeOffline, isOffline, isOffline);
  return (
    <button
      type="button"
      role="switch"
      aria-checked={offline}
      className="switch"
      onClick={() => {
        setOffline(!offline);
        emit('playground.network.change', { count: 1 }, { offline: !offline });
      }}
    >
      Offline
    </button>
  );
}
