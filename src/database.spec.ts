import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataSourceOptionsFor } from './database';

describe('dataSourceOptionsFor', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'nm-db-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the folder of an absolute sqlite path', () => {
    const file = join(dir, 'nested', 'deeper', 'app.sqlite');
    const options = dataSourceOptionsFor(`sqlite:${file}`, []);
    expect(options).toMatchObject({ type: 'better-sqlite3', database: file });
    expect(existsSync(join(dir, 'nested', 'deeper'))).toBe(true);
  });

  it('resolves a relative sqlite path against the working directory', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const options = dataSourceOptionsFor('sqlite:data/x.sqlite', []);
      expect(options).toMatchObject({ database: join(process.cwd(), 'data', 'x.sqlite') });
    } finally {
      process.chdir(cwd);
    }
  });

  it.each(['postgres://u@127.0.0.1/db', 'postgresql://u@127.0.0.1/db'])(
    'uses PostgreSQL for %s',
    (url) => {
      expect(dataSourceOptionsFor(url, [])).toMatchObject({ type: 'postgres', url });
    },
  );

  it.each(['mysql://x', 'sqlite:', 'data.sqlite'])('refuses %p with a clear message', (url) => {
    expect(() => dataSourceOptionsFor(url, [])).toThrow(/DATABASE_URL/);
  });
});
