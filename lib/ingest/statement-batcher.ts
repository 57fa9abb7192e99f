// Group commit for the receiver: deliveries that arrive while the database is busy with earlier
// ones are stored together, in one statement and one commit (one WAL flush, one round trip),
// instead of queueing behind each other for the pool. Nothing waits for company: with a
// statement slot free, a delivery goes out at once, alone; batches form only under load.

export interface BatcherOptions<T, R> {
  /** Most items in one statement. */
  maxBatch: number;
  /** Statements in flight at once; further items wait and are batched. */
  maxInFlight: number;
  /** Items with the same key never share a statement (a row may be written once per statement). */
  keyOf: (item: T) => string;
  /** Stores a batch; one settled result per item, in the items' order. Must not throw. */
  run: (items: T[]) => Promise<PromiseSettledResult<R>[]>;
  /**
   * Longest an item waits for a statement slot; then it is refused with StatementSlotTimeout, as
   * the pool refuses a caller that waited too long for a connection.
   */
  maxWaitMs: number;
  /** Told how many items wait after every change (for a gauge). */
  onWaiting?: (waiting: number) => void;
}

export interface Batcher<T, R> {
  submit(item: T): Promise<R>;
}

interface Waiting<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (reason: unknown) => void;
  timer?: NodeJS.Timeout;
}

export class StatementSlotTimeout extends Error {
  constructor(ms: number) {
    super(`timeout exceeded waiting for a statement slot (${ms} ms)`);
    this.name = "StatementSlotTimeout";
  }
}

export function createBatcher<T, R>(options: BatcherOptions<T, R>): Batcher<T, R> {
  let queue: Waiting<T, R>[] = [];
  let inFlight = 0;

  const takeBatch = (): Waiting<T, R>[] => {
    const batch: Waiting<T, R>[] = [];
    const keys = new Set<string>();
    const left: Waiting<T, R>[] = [];
    for (const waiting of queue) {
      const key = options.keyOf(waiting.item);
      // A second delivery of the same event waits for the next statement, in its turn.
      if (batch.length < options.maxBatch && !keys.has(key)) {
        keys.add(key);
        clearTimeout(waiting.timer);
        batch.push(waiting);
      } else {
        left.push(waiting);
      }
    }
    queue = left;
    options.onWaiting?.(queue.length);
    return batch;
  };

  const settle = (batch: Waiting<T, R>[], results: PromiseSettledResult<R>[]): void => {
    batch.forEach((waiting, i) => {
      const result = results[i];
      if (result?.status === "fulfilled") waiting.resolve(result.value);
      else waiting.reject(result ? result.reason : new Error("the batch returned no result for this item"));
    });
  };

  const pump = (): void => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const batch = takeBatch();
      inFlight += 1;
      options
        .run(batch.map((w) => w.item))
        .then(
          (results) => settle(batch, results),
          (error: unknown) => settle(batch, batch.map(() => ({ status: "rejected", reason: error }))),
        )
        .finally(() => {
          inFlight -= 1;
          pump();
        });
    }
  };

  return {
    submit(item) {
      return new Promise<R>((resolve, reject) => {
        const waiting: Waiting<T, R> = { item, resolve, reject };
        queue.push(waiting);
        pump();
        if (!queue.includes(waiting)) return;
        options.onWaiting?.(queue.length);
        // A database that takes statements but never finishes them must not hold a delivery
        // past Smartcar's patience: refused in time, it goes to the spool (or a 503) instead.
        waiting.timer = setTimeout(() => {
          queue = queue.filter((w) => w !== waiting);
          options.onWaiting?.(queue.length);
          reject(new StatementSlotTimeout(options.maxWaitMs));
        }, options.maxWaitMs);
      });
    },
  };
}
