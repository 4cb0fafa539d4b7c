// A figure computed in the training worker on demand (the cliff, gate saturation): Compute sends the request, its
// progress and its answer come back; Cancel (where the request can be cancelled) answers with error 'cancelled',
// which is not shown as an error.
import { useRef, useState } from 'react';

/** What the worker answers a figure's request with (protocol.ts: the cliff's and the saturation's replies). */
export interface FigureReply<R> {
  step: number;
  result: R | null;
  error: string | null;
}

export type FigureRequest<R> = (onProgress: (done: number, total: number) => void) => { reply: Promise<FigureReply<R>>; cancel?: () => void };

export function useFigureRequest<R>(request: FigureRequest<R>) {
  const [answer, setAnswer] = useState<{ result: R; step: number } | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cancelRef = useRef<(() => void) | null>(null);

  const compute = () => {
    setError(null);
    setProgress({ done: 0, total: 1 });
    const { reply, cancel } = request((done, total) => setProgress({ done, total }));
    cancelRef.current = cancel ?? null;
    reply.then(
      (msg) => {
        setProgress(null);
        cancelRef.current = null;
        if (msg.result) setAnswer({ result: msg.result, step: msg.step });
        else if (msg.error !== 'cancelled') setError(msg.error);
      },
      (e: Error) => {
        setProgress(null);
        cancelRef.current = null;
        setError(e.message);
      },
    );
  };

  return { answer, progress, error, busy: progress !== null, compute, cancel: () => cancelRef.current?.() };
}
