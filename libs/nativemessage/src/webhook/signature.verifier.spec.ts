import {
  computeSignature,
  decodeSignatureHeader,
  WebhookSignatureVerifier,
} from './signature.verifier';

describe('WebhookSignatureVerifier', () => {
  const body = Buffer.from('{"event":"dlr","message_id":"msg_1"}');

  it('matches RFC 4231 test case 2 (key "Jefe")', () => {
    const digest = computeSignature('what do ya want for nothing?', 'Jefe');
    expect(digest).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    const verifier = new WebhookSignatureVerifier(['Jefe']);
    expect(verifier.verify(Buffer.from('what do ya want for nothing?'), digest)).toBe(true);
  });

  it('matches the published GitHub-style vector', () => {
    const expected = '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(computeSignature('Hello, World!', "It's a Secret to Everybody")).toBe(expected);
    const verifier = new WebhookSignatureVerifier(["It's a Secret to Everybody"]);
    expect(verifier.verify(Buffer.from('Hello, World!'), expected)).toBe(true);
    expect(verifier.verify(Buffer.from('Hello, World!'), `sha256=${expected}`)).toBe(true);
    expect(verifier.verify(Buffer.from('Hello, World!'), expected.toUpperCase())).toBe(true);
    expect(verifier.verify(Buffer.from('Hello, World!'), `SHA256=${expected}`)).toBe(true);
  });

  it('accepts any of several secrets (rotation)', () => {
    const verifier = new WebhookSignatureVerifier(['new-secret', 'old-secret']);
    expect(verifier.verify(body, computeSignature(body, 'old-secret'))).toBe(true);
    expect(verifier.verify(body, computeSignature(body, 'new-secret'))).toBe(true);
    expect(verifier.verify(body, computeSignature(body, 'other'))).toBe(false);
  });

  it('rejects a signature of different bytes', () => {
    const verifier = new WebhookSignatureVerifier(['s3cret']);
    const sig = computeSignature(body, 's3cret');
    expect(verifier.verify(Buffer.from(body.toString() + ' '), sig)).toBe(false);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too short', 'abc'],
    ['63 hex chars', 'a'.repeat(63)],
    ['65 hex chars', 'a'.repeat(65)],
    ['non-hex', 'g'.repeat(64)],
    ['non-hex last character', `${'a'.repeat(63)}g`],
    ['non-hex first character', `g${'a'.repeat(63)}`],
    ['inner space', `${'a'.repeat(31)} ${'a'.repeat(32)}`],
    ['prefix only', 'sha256='],
    ['prefix and 63 hex chars', `sha256=${'a'.repeat(63)}`],
    ['doubled prefix', `sha256=sha256=${'a'.repeat(57)}`],
    ['repeated header (array)', ['a'.repeat(64), 'b'.repeat(64)]],
    ['base64 digest', Buffer.alloc(32).toString('base64')],
    ['other algorithm prefix', `sha1=${'a'.repeat(64)}`],
    ['number', 12],
  ])('treats a %s header as invalid', (_name, header) => {
    const verifier = new WebhookSignatureVerifier(['s3cret']);
    expect(decodeSignatureHeader(header)).toBeNull();
    expect(verifier.verify(body, header)).toBe(false);
  });

  it('refuses to be built without a secret', () => {
    expect(() => new WebhookSignatureVerifier([])).toThrow(TypeError);
  });
});
