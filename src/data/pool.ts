// Runs an async function over a list with at most `limit` calls in flight; results keep the list's order.
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Image work in flight at once: sharp runs each on its own thread pool, so a few are enough. */
export const IMAGE_CONCURRENCY = 4;

export type ProgressFn = (p: { phase: string; done: number; total: number }) => void;
