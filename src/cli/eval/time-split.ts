/**
 * Time-based train/test splits in the session-rec conventions (Ludewig & Jannach's `preprocess`
 * scripts for rsc15): a session belongs to the test part when it ends in the last `days` days of the
 * log (or is one of the last `sessions` sessions by end time); test events whose item never occurs
 * in the train part are removed; sessions shorter than 2 events are dropped on both sides. Used by
 * `vitrine split` and by the fitting (train → train_tr / train_valid).
 */

/** A session of any item type: events ordered by time, `times` in unix seconds. */
export interface TimedSession<Item> {
  id: string;
  items: Item[];
  times: number[];
}

export type TestWindow = { days: number } | { sessions: number };

export interface TimeSplit<S> {
  train: S[];
  test: S[];
  /** Unix seconds: test sessions end at or after it. */
  splitTime: number;
  dropped: {
    /** Train sessions shorter than 2 events. */
    trainSessions: number;
    /** Test events whose item is not in train. */
    testEvents: number;
    /** Test sessions left shorter than 2 events. */
    testSessions: number;
  };
}

/** When a session ended (its last event), -Infinity for one without events. */
export function endTime(session: TimedSession<unknown>): number {
  return session.times.length === 0 ? -Infinity : session.times[session.times.length - 1]!;
}

/** The unix time from which sessions go to the test part. */
export function splitTimeOf(sessions: readonly TimedSession<unknown>[], window: TestWindow): number {
  const ends = sessions.map(endTime).filter(Number.isFinite);
  if (ends.length === 0) return Infinity;
  // A loop, not Math.max(...ends): a log of millions of sessions overflows the call's arguments.
  if ('days' in window) return ends.reduce((a, b) => (b > a ? b : a)) - window.days * 86_400;
  ends.sort((a, b) => b - a);
  const count = Math.min(Math.max(0, Math.floor(window.sessions)), ends.length);
  // Ties at the boundary go to the test part with the last of them (a time cannot split them).
  return count === 0 ? Infinity : ends[count - 1]!;
}

export function splitByTime<Item, S extends TimedSession<Item>>(sessions: readonly S[], window: TestWindow): TimeSplit<S> {
  const splitTime = splitTimeOf(sessions, window);
  const train: S[] = [];
  const later: S[] = [];
  let trainSessions = 0;
  for (const session of sessions) {
    if (endTime(session) >= splitTime) later.push(session);
    else if (session.items.length >= 2) train.push(session);
    else trainSessions++;
  }
  const known = new Set<Item>();
  for (const session of train) for (const item of session.items) known.add(item);
  const test: S[] = [];
  let testEvents = 0;
  let testSessions = 0;
  for (const session of later) {
    const keep = session.items.map((item) => known.has(item));
    const items = session.items.filter((_, i) => keep[i]);
    testEvents += session.items.length - items.length;
    if (items.length < 2) {
      testSessions++;
      continue;
    }
    test.push({ ...session, items, times: session.times.filter((_, i) => keep[i]) });
  }
  return { train, test, splitTime, dropped: { trainSessions, testEvents, testSessions } };
}
