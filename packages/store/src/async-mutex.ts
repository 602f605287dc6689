/** A FIFO lock: `acquire()` resolves with the function that releases it. */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = this.#tail.then(() => {
      let released = false;
      // Idempotent so a double release (error path + finally) cannot let two holders in.
      return () => {
        if (released) return;
        released = true;
        release();
      };
    });
    this.#tail = this.#tail.then(() => next);
    return ready;
  }
}
