import { timeOrderedKey } from './time-ordered-key';

describe('timeOrderedKey', () => {
  it('is a version 7 UUID carrying the time in ms', () => {
    const key = timeOrderedKey(0x0191_2345_6789);
    expect(key).toMatch(/^01912345-6789-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts by time, and stays unique within one millisecond', () => {
    const earlier = timeOrderedKey(1_700_000_000_000);
    const later = timeOrderedKey(1_700_000_000_001);
    expect(earlier < later).toBe(true);
    const same = new Set(Array.from({ length: 5000 }, () => timeOrderedKey(1_700_000_000_000)));
    expect(same.size).toBe(5000);
  });
});
