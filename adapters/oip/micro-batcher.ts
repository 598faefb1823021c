/**
 * Groups concurrent `submit` calls into one `run` call of up to `maxSize` items: the first item
 * waits at most `maxWaitMs` (0: only what arrives in the same tick) for others to join. Each caller
 * gets back exactly its own results, or the batch's error.
 */
export class MicroBatcher<I, O> {
  private queue: Array<{ items: readonly I[]; resolve: (out: O[]) => void; reject: (error: unknown) => void }> = [];
  private queued = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly maxSize: number,
    private readonly maxWaitMs: number,
  ) {}

  submit(items: readonly I[]): Promise<O[]> {
    if (this.maxSize <= 1 || items.length >= this.maxSize) return this.run([...items]);
    return new Promise<O[]>((resolve, reject) => {
      if (this.queued + items.length > this.maxSize) this.flush();
      this.queue.push({ items, resolve, reject });
      this.queued += items.length;
      if (this.queued >= this.maxSize) this.flush();
      else if (this.timer === undefined) {
        this.timer = this.maxWaitMs > 0 ? setTimeout(() => this.flush(), this.maxWaitMs) : setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    const waiting = this.queue;
    if (waiting.length === 0) return;
    this.queue = [];
    this.queued = 0;
    const all = waiting.flatMap((entry) => entry.items);
    this.run(all).then(
      (out) => {
        let at = 0;
        for (const entry of waiting) {
          entry.resolve(out.slice(at, at + entry.items.length));
          at += entry.items.length;
        }
      },
      (error: unknown) => {
        for (const entry of waiting) entry.reject(error);
      },
    );
  }
}
