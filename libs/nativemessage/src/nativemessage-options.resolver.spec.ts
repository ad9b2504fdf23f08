import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_WEBHOOK_PATH } from './nativemessage.constants';
import { NativeMessageConfigurationError } from './nativemessage.errors';
import { resolveNativeMessageOptions } from './nativemessage-options.resolver';
import type { NativeMessageModuleOptions } from './interfaces/nativemessage-options.interface';

function problemsOf(options: unknown, path?: string): readonly string[] {
  try {
    resolveNativeMessageOptions(options as NativeMessageModuleOptions, path);
  } catch (error) {
    if (error instanceof NativeMessageConfigurationError) return error.problems;
    throw error;
  }
  return [];
}

describe('resolveNativeMessageOptions', () => {
  it('fills in the defaults', () => {
    const resolved = resolveNativeMessageOptions({ webhook: { secrets: ['s3cret'] } });
    expect(resolved.webhookPath).toBe(DEFAULT_WEBHOOK_PATH);
    expect(resolved.bodyLimit).toBe(DEFAULT_BODY_LIMIT_BYTES);
    expect([...resolved.keywords.optOut]).toEqual([
      'STOP',
      'STOPALL',
      'UNSUBSCRIBE',
      'CANCEL',
      'END',
      'QUIT',
    ]);
    expect([...resolved.keywords.optIn]).toEqual(['START', 'UNSTOP', 'YES']);
    expect([...resolved.keywords.help]).toEqual(['HELP', 'INFO']);
    expect(resolved.retentionMs).toBe(7 * 24 * 3600 * 1000);
  });

  it('lists every problem in one error', () => {
    const problems = problemsOf(
      {
        webhook: { secrets: [' padded '], bodyLimit: -1, secret: 'x' },
        idempotency: { maxEntries: 0 },
      },
      'webhooks/no-leading-slash',
    );
    expect(problems).toEqual([
      expect.stringContaining('webhookPath'),
      expect.stringContaining('unknown option "webhook.secret"'),
      expect.stringContaining('webhook.secrets[0] has surrounding whitespace'),
      expect.stringContaining('webhook.bodyLimit must be a positive integer'),
      expect.stringContaining('idempotency.maxEntries must be a positive integer'),
    ]);
  });

  it('never echoes a secret in its message', () => {
    try {
      resolveNativeMessageOptions({ webhook: { secrets: [' top-secret-value '] } });
      fail('expected an error');
    } catch (error) {
      expect(String(error)).not.toContain('top-secret-value');
    }
  });

  it.each([
    ['no options', undefined, 'options must be an object'],
    ['no webhook', {}, 'webhook is required'],
    ['no secrets', { webhook: {} }, 'webhook.secrets must be a non-empty array'],
    ['empty secrets', { webhook: { secrets: [] } }, 'webhook.secrets must be a non-empty array'],
    [
      'an empty secret',
      { webhook: { secrets: [''] } },
      'webhook.secrets[0] must be a non-empty string',
    ],
    [
      'a non-string secret',
      { webhook: { secrets: [42] } },
      'webhook.secrets[0] must be a non-empty string',
    ],
    [
      'a keyword in two sets',
      { webhook: { secrets: ['s'] }, keywords: { optIn: ['stop'] } },
      'keyword "STOP" is listed in both',
    ],
    [
      'a bad store',
      { webhook: { secrets: ['s'] }, idempotency: { store: {} } },
      'idempotency.store must implement IdempotencyStore',
    ],
  ])('refuses %s', (_name, options, message) => {
    expect(problemsOf(options)).toEqual([expect.stringContaining(message)]);
  });

  it.each(['/', '', '/a/', '/a/:id', '/a*', '/a?b', '/a b', 'a'])('refuses the path %p', (path) => {
    expect(problemsOf({ webhook: { secrets: ['s'] } }, path)).toEqual([
      expect.stringContaining('webhookPath'),
    ]);
  });

  it.each(['/hooks', '/api/v1/webhooks/native-message', '/a.b_c~d'])(
    'accepts the path %p',
    (path) => {
      expect(problemsOf({ webhook: { secrets: ['s'] } }, path)).toEqual([]);
    },
  );

  it('refuses a retention shorter than the replay window', () => {
    const problems = problemsOf({
      webhook: { secrets: ['s'], maxEventAgeMs: 10_000 },
      idempotency: { retentionMs: 5_000 },
    });
    expect(problems).toEqual([
      expect.stringContaining('must not be shorter than webhook.maxEventAgeMs'),
    ]);
  });

  it('replaces a keyword list and normalises it', () => {
    const resolved = resolveNativeMessageOptions({
      webhook: { secrets: ['s'] },
      keywords: { optOut: [' arrêt ', 'stop'], help: [] },
    });
    expect([...resolved.keywords.optOut]).toEqual(['ARRÊT', 'STOP']);
    expect(resolved.keywords.help.size).toBe(0);
  });
});
