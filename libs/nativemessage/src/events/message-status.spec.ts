import { isFinalStatus, supersedesStatus } from './message-status';

describe('message status order', () => {
  it.each(['delivered', 'failed', 'expired', 'rejected'])('%s is final', (s) => {
    expect(isFinalStatus(s)).toBe(true);
  });
  it.each(['pending', 'queued', 'submitted', 'buffered'])('%s is not final', (s) => {
    expect(isFinalStatus(s)).toBe(false);
  });
  it.each([
    [null, 'submitted', true],
    ['submitted', 'delivered', true],
    ['delivered', 'submitted', false],
    ['delivered', 'pending', false],
    ['delivered', 'buffered', false],
    ['delivered', 'failed', true],
    ['submitted', 'queued', false],
    ['queued', 'submitted', true],
    ['submitted', 'buffered', true],
    ['buffered', 'queued', true],
  ] as const)('%p then %p: supersedes = %p', (current, next, expected) => {
    expect(supersedesStatus(current, next)).toBe(expected);
  });
});
