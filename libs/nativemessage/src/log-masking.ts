const PHONE = /\+?\d(?:[\d\s().-]{5,}\d)/g;

/**
 * Masks phone-number-like digit runs in text bound for a log, keeping only the last three digits
 * (`+8801711111111` -> `***111`), so logs never carry a full number.
 */
export function maskPhoneNumbers(text: string): string {
  return text.replace(PHONE, (match) => {
    const digits = match.replace(/\D/g, '');
    return digits.length < 7 ? match : `***${digits.slice(-3)}`;
  });
}
