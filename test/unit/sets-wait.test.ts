import { readiness, stopped } from '../../server/src/sets/wait';
import { SetRecord } from '../../server/src/sets/types';

const record = (state: SetRecord['state'], connected: number): SetRecord =>
  ({ id: 'abcd1234', state, workers: { requested: 2, connected } }) as SetRecord;

describe('the verdicts of a kernel waiting for a set', () => {
  it('ready once running with the workers wanted, never while they are still coming', () => {
    expect(readiness(record('pending', 0), 2)).toBeUndefined();
    expect(readiness(record('starting', 2), 2)).toBeUndefined(); // the head is not up yet
    expect(readiness(record('running', 1), 2)).toBeUndefined();
    expect(readiness(record('running', 2), 2)).toBe('ready');
    expect(readiness(record('running', 3), 2)).toBe('ready');
  });

  it('a stopping or ended set will never be ready', () => {
    expect(readiness(record('stopping', 2), 2)).toBe('ended');
    expect(readiness(record('ended', 0), 1)).toBe('ended');
  });

  it('a stop is done when the set has ended, not while it is stopping', () => {
    expect(stopped(record('stopping', 0))).toBeUndefined();
    expect(stopped(record('ended', 0))).toBe('ended');
  });
});
