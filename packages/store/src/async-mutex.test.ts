import { AsyncMutex } from './async-mutex';

describe('AsyncMutex', () => {
  it('admits one holder at a time, in arrival order', async () => {
    const mutex = new AsyncMutex();
    const events: string[] = [];
    const work = async (name: string) => {
      const release = await mutex.acquire();
      events.push(`${name}:in`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`${name}:out`);
      release();
    };
    await Promise.all([work('a'), work('b'), work('c')]);
    expect(events).toEqual(['a:in', 'a:out', 'b:in', 'b:out', 'c:in', 'c:out']);
  });

  it('ignores a second release of the same hold', async () => {
    const mutex = new AsyncMutex();
    const first = await mutex.acquire();
    const second = mutex.acquire();
    const third = mutex.acquire();
    first();
    first();
    const releaseSecond = await second;
    let thirdIn = false;
    void third.then(() => {
      thirdIn = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(thirdIn).toBe(false);
    releaseSecond();
    await third;
    expect(thirdIn).toBe(true);
  });
});
