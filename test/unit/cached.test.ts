import { cached } from '../../server/src/util/cached';

describe('cached', () => {
  it('shares one in-flight call and reuses the result within the ttl', async () => {
    let calls = 0;
    let now = 0;
    const get = cached(
      async () => {
        calls += 1;
        return calls;
      },
      1000,
      () => now
    );
    const [a, b] = await Promise.all([get(), get()]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
    now = 999;
    expect(await get()).toBe(1);
    now = 2000;
    expect(await get()).toBe(2);
  });

  it('does not keep a rejection beyond its ttl', async () => {
    let now = 0;
    let fail = true;
    const get = cached(
      async () => (fail ? Promise.reject(new Error('down')) : 'up'),
      10,
      () => now
    );
    await expect(get()).rejects.toThrow('down');
    fail = false;
    now = 20;
    expect(await get()).toBe('up');
  });
});
