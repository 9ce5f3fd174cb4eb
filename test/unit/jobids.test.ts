import { assertJobIds, isJobId } from '../../server/src/slurm/jobids';

describe('job ids', () => {
  it.each(['1', '123456', '12_3', '12_[3-9]', '12_[1,3,5-7]', '12_[0-999%10]', '77+0', '77+12'])('accepts %s', id => {
    expect(isJobId(id)).toBe(true);
  });
  it.each(['', '-1', '--user=root', '1 2', '1;id', '$(id)', '12_', '12_[', 'abc', '1\n2', '12_3+1x'])(
    'refuses %j',
    id => {
      expect(isJobId(id)).toBe(false);
    }
  );
  it('refuses an empty list', () => {
    expect(() => assertJobIds([])).toThrow('no job id given');
  });
});
