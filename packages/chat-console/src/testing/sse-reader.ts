export interface SseMessage {
  event: string;
  data: string;
}

export interface SseReader {
  readonly events: SseMessage[];
  /** Everything received so far, raw, for "this never appeared" assertions. */
  raw(): string;
  waitFor(predicate: (event: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  close(): void;
}

/** Reads a Server-Sent Events stream with fetch, for tests that watch what the page would receive. */
export async function openSseReader(url: string): Promise<SseReader> {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  if (!response.ok || response.body === null) throw new Error(`event stream answered ${response.status}`);
  const events: SseMessage[] = [];
  const waiters = new Set<() => void>();
  let raw = '';
  let buffer = '';

  void (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        raw += text;
        buffer += text;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event = lines.find((line) => line.startsWith('event: '))?.slice('event: '.length);
          const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length));
          if (event !== undefined) events.push({ event, data: data.join('\n') });
          end = buffer.indexOf('\n\n');
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // Aborted by close(): the stream simply ends.
    }
  })();

  return {
    events,
    raw: () => raw,
    waitFor(predicate, timeoutMs = 3000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.find(predicate);
          if (found === undefined) return false;
          cleanup();
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(wake);
        };
        const wake = (): void => {
          check();
        };
        if (!check()) waiters.add(wake);
      });
    },
    close: () => controller.abort(),
  };
}
