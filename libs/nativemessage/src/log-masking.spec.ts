import { maskPhoneNumbers } from './log-masking';

describe('maskPhoneNumbers', () => {
  it.each([
    ['+8801711111111', '***111'],
    ['call +1 (415) 555-0199 now', 'call ***199 now'],
    ['from 8801700000000 to BRAND', 'from ***000 to BRAND'],
  ])('masks %p', (input, expected) => {
    expect(maskPhoneNumbers(input)).toBe(expected);
  });

  it.each(['attempt 3 of 10', 'msg_abc123', 'status 200', 'took 1500 ms'])(
    'leaves %p alone',
    (input) => {
      expect(maskPhoneNumbers(input)).toBe(input);
    },
  );
});
