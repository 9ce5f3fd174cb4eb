describe('util/memory', () => {
  it("drops the launcher's process-only environment so Slurm commands and jobs do not inherit it", () => {
    process.env.MALLOC_MMAP_THRESHOLD_ = '131072';
    process.env.HPC_TEST_KEPT = 'mine';
    process.env.HPC_COMPANION_ONLY_ENV = 'MALLOC_MMAP_THRESHOLD_';
    let memory: typeof import('../../server/src/util/memory') | undefined;
    jest.isolateModules(() => {
      memory = jest.requireActual<typeof import('../../server/src/util/memory')>('../../server/src/util/memory');
    });
    memory!.collectAfterBigPoll(10 * 1024 * 1024); // a full collection, callable at runtime
    memory!.collectAfterBigPoll(10); // a small poll: nothing
    expect(process.env.MALLOC_MMAP_THRESHOLD_).toBeUndefined();
    expect(process.env.HPC_COMPANION_ONLY_ENV).toBeUndefined();
    expect(process.env.HPC_TEST_KEPT).toBe('mine');
    delete process.env.HPC_TEST_KEPT;
  });
});
