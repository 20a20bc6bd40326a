import type { HandlerInfo } from '@isotel/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../engine/format-value.js';
import { useEngine } from './engine-context.js';

/** How often the Handlers tab refreshes while visible, in ms. */
export const HANDLERS_REFRESH_MS = 1000;
/** How long a detach waits for Undo before it is carried out, in ms. */
export const DETACH_UNDO_MS = 5000;

/**
 * Attached handlers with their calls, failures and last error (a failing handler is marked);
 * Detach, with a few seconds to undo it before it is carried out.
 */
export function HandlersTab(): ReactNode {
  const engine = useEngine();
  const client = useQueryClient();
  const queryKey = ['isotel', engine.sourceKey, 'handlers'];
  const handlers = useQuery({
    queryKey,
    queryFn: () => engine.backend.handlers(),
    refetchInterval: HANDLERS_REFRESH_MS,
  });
  const [pending, setPending] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState('');
  const [failure, setFailure] = useState('');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const detach = useMutation({
    mutationFn: (id: string) => engine.backend.detach(id),
    onSuccess: (found, id) => {
      setFailure('');
      setMessage(found ? `Detached ${id}.` : `${id} was no longer attached.`);
      return client.invalidateQueries({ queryKey });
    },
    onError: (error, id) => {
      setMessage('');
      setFailure(`Could not detach ${id}: ${errorMessage(error)}`);
    },
  });

  // leaving the tab carries out a detach waiting for Undo
  const pendingRef = useRef(pending);
  pendingRef.current = pending;
  const mutate = detach.mutate;
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      if (pendingRef.current !== undefined) mutate(pendingRef.current);
    },
    [mutate],
  );

  const startDetach = (id: string) => {
    clearTimeout(timer.current);
    if (pending !== undefined) detach.mutate(pending);
    setPending(id);
    setMessage(`Detaching ${id} in ${DETACH_UNDO_MS / 1000} s.`);
    timer.current = setTimeout(() => {
      setPending(undefined);
      detach.mutate(id);
    }, DETACH_UNDO_MS);
  };
  const undo = () => {
    clearTimeout(timer.current);
    setMessage(`Kept ${pending}.`);
    setPending(undefined);
  };

  const list = handlers.data ?? [];
  const failing = list.filter((h) => h.failures > 0).length;
  return (
    <div className="handlers">
      <div className="toolbar">
        <button type="button" onClick={() => void handlers.refetch()}>
          Refresh
        </button>
        <span className="count">
          {list.length} attached
          {failing > 0 ? (
            <>
              {' · '}
              <span className="status-error">{failing} failing</span>
            </>
          ) : null}
        </span>
        <span role="status">{message}</span>
        <span role="alert" className="error">
          {failure}
        </span>
        {pending !== undefined ? (
          <button type="button" onClick={undo}>
            Undo
          </button>
        ) : null}
      </div>
      {handlers.isError ? (
        <p className="error" role="alert">
          Could not read the handlers: {errorMessage(handlers.error)}{' '}
          <button type="button" onClick={() => void handlers.refetch()}>
            Retry
          </button>
        </p>
      ) : handlers.isPending ? (
        <p className="empty">Reading the handlers…</p>
      ) : list.length === 0 ? (
        <p className="empty">No handlers attached besides this panel. Attach one with t.attach(id, pattern, fn).</p>
      ) : (
        <ul className="cards" aria-label="Handlers">
          {list.map((h) => (
            <HandlerCard key={h.id} handler={h} pending={pending === h.id} onDetach={() => startDetach(h.id)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function HandlerCard({
  handler,
  pending,
  onDetach,
}: {
  readonly handler: HandlerInfo;
  readonly pending: boolean;
  readonly onDetach: () => void;
}): ReactNode {
  const failing = handler.failures > 0;
  return (
    <li className={`card${failing ? ' failed' : ''}`} aria-label={handler.id}>
      <div className="card-head">
        <strong className="ellipsis" title={handler.id}>
          {handler.id}
        </strong>
        <span className={failing ? 'status-error' : 'status-ok'}>
          {failing ? `${handler.failures} failures` : 'healthy'}
        </span>
        <button type="button" disabled={pending} onClick={onDetach}>
          {pending ? 'Detaching…' : 'Detach'}
          <span className="sr-only"> {handler.id}</span>
        </button>
      </div>
      <dl>
        <dt>patterns</dt>
        <dd className="wrap">{handler.patterns.join(', ')}</dd>
        <dt>calls</dt>
        <dd>{handler.calls}</dd>
        <dt>on failure</dt>
        <dd>{handler.onFailure}</dd>
        {handler.lastError !== undefined ? (
          <>
            <dt>last error</dt>
            <dd className="wrap error">{handler.lastError}</dd>
          </>
        ) : null}
      </dl>
    </li>
  );
}
