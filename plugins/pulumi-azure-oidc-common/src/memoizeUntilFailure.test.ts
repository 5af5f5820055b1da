import { memoizeUntilFailure } from './memoizeUntilFailure';

describe('memoizeUntilFailure', () => {
  it('loads once for every caller, at once or later', async () => {
    const load = jest.fn(async () => 'value');
    const get = memoizeUntilFailure(load);
    await expect(Promise.all([get(), get()])).resolves.toEqual([
      'value',
      'value',
    ]);
    await expect(get()).resolves.toBe('value');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again after a failure', async () => {
    const load = jest
      .fn()
      .mockRejectedValueOnce(new Error('not yet'))
      .mockResolvedValueOnce('value');
    const get = memoizeUntilFailure(load);
    await expect(get()).rejects.toThrow('not yet');
    await expect(get()).resolves.toBe('value');
    await expect(get()).resolves.toBe('value');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
