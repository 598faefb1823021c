/** The middle value (the upper middle for an even count). */
export function medianOf(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** The item whose `key` is the median: the run to report whole (req/s with its latencies). */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)];
}

/**
 * Median CPU seconds (user + system) per call of `fn` over `rounds` rounds of `repeat` calls. CPU
 * time, not wall time: on a shared machine other processes' load would otherwise land in one column
 * and not the other (the Python side measures `time.process_time()` the same way).
 */
export function timePerCall(fn: () => unknown, repeat: number, rounds = 7): number {
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let i = 0; i < repeat; i++) fn();
    const used = process.cpuUsage(start);
    samples.push((used.user + used.system) / 1e6 / repeat);
  }
  return medianOf(samples);
}
