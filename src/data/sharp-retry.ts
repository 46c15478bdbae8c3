// libvips keeps one error buffer for the whole process: when two sharp operations fail at the same
// time, one of them can find the buffer already cleared by the other and sharp reports only
// "Unknown error". Such a failure is run again, one at a time, to get the real reason.

let retries: Promise<unknown> = Promise.resolve();

function alone<R>(fn: () => Promise<R>): Promise<R> {
  const run = retries.then(fn, fn);
  retries = run.catch(() => undefined);
  return run;
}

function lostMessage(e: unknown): boolean {
  return e instanceof Error && /^\s*unknown error\s*$/i.test(e.message.split('\n')[0] ?? '');
}

/** Runs `fn` (a sharp read); a failure whose message libvips lost is retried alone, up to 3 tries in all. */
export async function withSharpMessage<R>(fn: () => Promise<R>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (attempt === 1 ? fn() : alone(fn));
    } catch (e) {
      if (!lostMessage(e) || attempt === 3) throw e;
    }
  }
}
