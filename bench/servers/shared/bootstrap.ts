import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamicModule, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';

/** Signing secret of the benchmark (the runner passes BENCH_SECRET). */
export const SECRET = process.env.BENCH_SECRET ?? 'whsec_bench_local_secret';

/** HTTP platform of a Nest variant. */
export type Adapter = 'express' | 'fastify';

/** Value of a required environment variable. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/**
 * Prints `READY <port>` and shuts down on SIGTERM/SIGINT or when stdin closes (the runner died):
 * `close()` is awaited (bounded), then `process.exit(0)`, so `--cpu-prof` writes its profile.
 */
export function announce(server: Server, close: () => Promise<void>): void {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    setTimeout(() => process.exit(0), 5000).unref();
    close()
      .catch((error: unknown) => process.stderr.write(`close failed: ${String(error)}\n`))
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.stdin.on('end', shutdown);
  process.stdin.on('close', shutdown);
  process.stdin.resume();
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`READY ${port}\n`);
}

/** Creates a Nest app (raw body on), listens on 127.0.0.1 with an ephemeral port, announces it. */
export async function startNest(module: Type<unknown> | DynamicModule, adapter: Adapter) {
  const options = { rawBody: true, logger: ['error', 'warn'] as LogLevel[] };
  const app =
    adapter === 'fastify'
      ? await NestFactory.create(module, new FastifyAdapter(), options)
      : await NestFactory.create(module, options);
  await app.listen(0, '127.0.0.1');
  announce(app.getHttpServer() as Server, () => app.close());
}

/** Runs a server's main function; a failure is printed and exits 1. */
export function main(start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    process.stderr.write(
      `server failed: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  });
}
