/**
 * Wraps `task` so that at most one run is in flight: a call during a run joins it and asks for
 * one more run after it (however many calls came), and the returned promise settles after that
 * run. `task` must not reject.
 */
export function coalesce(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const loop = async (): Promise<void> => {
    try {
      do {
        again = false;
        // Awaited at least once, so `running` is set before the `finally` clears it.
        await task();
      } while (again);
    } finally {
      running = null;
    }
  };
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = loop();
    return running;
  };
}
