import { DEFAULT_DATABASE_URL, DEVELOPMENT_WEBHOOK_SECRET, loadAppConfig } from './app.config';

describe('loadAppConfig', () => {
  it('runs with zero configuration on the development secret and the SQLite file', () => {
    expect(loadAppConfig({})).toEqual({
      port: 3000,
      databaseUrl: DEFAULT_DATABASE_URL,
      webhookSecrets: [DEVELOPMENT_WEBHOOK_SECRET],
      usingDevelopmentSecret: true,
      dispatch: 'inbox',
      receiptStore: 'database',
    });
  });

  it('refuses to start in production without a secret, naming the variable', () => {
    expect(() => loadAppConfig({ NODE_ENV: 'production' })).toThrow(
      /NATIVEMESSAGE_WEBHOOK_SECRET is required/,
    );
  });

  it('splits comma-separated secrets for a rotation', () => {
    const config = loadAppConfig({
      NATIVEMESSAGE_WEBHOOK_SECRET: 'new-one, old-one',
      NODE_ENV: 'production',
    });
    expect(config.webhookSecrets).toEqual(['new-one', 'old-one']);
    expect(config.usingDevelopmentSecret).toBe(false);
  });

  it('reads PORT and DATABASE_URL', () => {
    const config = loadAppConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@h/db' });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('postgres://u@h/db');
  });

  it.each(['abc', '-1', '70000'])('refuses PORT=%s', (port) => {
    expect(() => loadAppConfig({ PORT: port })).toThrow(/PORT must be an integer/);
  });
});
