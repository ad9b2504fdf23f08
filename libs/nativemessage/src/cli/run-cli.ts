import { parseArgs } from 'node:util';
import {
  createDlrPayload,
  createMoGuidePayload,
  createMoPayload,
} from '../testing/payload-factories';
import { NativeMessageSandbox } from '../testing/sandbox/nativemessage-sandbox';
import { signWebhook } from '../testing/sign-webhook';

/** Where the CLI writes. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = `Usage:
  nativemessage send dlr --url URL --secret SECRET [--status delivered] [--message-id ID]
                         [--error-code CODE] [--destination +E164] [--webhook-id ID]
  nativemessage send mo  --url URL --secret SECRET --from +E164 --body TEXT [--to BRAND]
                         [--shape quickstart|guide] [--webhook-id ID]
  nativemessage sandbox  [--port 4010] [--api-key KEY] [--retry-scale 1]

send     signs a sample delivery exactly as the provider does and POSTs it; prints the answer.
         Exit code 0 for a 2xx answer, 1 otherwise.
sandbox  runs a local stand-in of the NativeMessage API on 127.0.0.1 until Ctrl+C.`;

const stringOption = { type: 'string' } as const;

/** Parses an error code: a number when it looks like one, else the text. */
const errorCode = (value: string | undefined): number | string | null =>
  value === undefined ? null : /^-?\d+$/.test(value) ? Number(value) : value;

async function send(kind: string | undefined, args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: stringOption,
      secret: stringOption,
      status: stringOption,
      'message-id': stringOption,
      'error-code': stringOption,
      destination: stringOption,
      from: stringOption,
      to: stringOption,
      body: stringOption,
      shape: stringOption,
      'webhook-id': stringOption,
    },
  });
  if (!values.url || !values.secret) throw new UsageError('send needs --url and --secret');
  let payload: object;
  if (kind === 'dlr') {
    payload = createDlrPayload({
      ...(values.status ? { status: values.status } : {}),
      ...(values['message-id'] ? { message_id: values['message-id'] } : {}),
      ...(values.destination ? { destination: values.destination } : {}),
      error_code: errorCode(values['error-code']),
    });
  } else if (kind === 'mo') {
    if (!values.from || values.body === undefined)
      throw new UsageError('send mo needs --from and --body');
    payload =
      values.shape === 'guide'
        ? createMoGuidePayload({
            source: values.from,
            content: values.body,
            ...(values.to ? { destination: values.to } : {}),
          })
        : createMoPayload({
            from: values.from,
            body: values.body,
            ...(values.to ? { to: values.to } : {}),
          });
  } else {
    throw new UsageError('send needs dlr or mo');
  }
  const signed = signWebhook(payload, values.secret, { webhookId: values['webhook-id'] });
  io.out(`Payload: ${signed.body}`);
  const response = await fetch(values.url, {
    method: 'POST',
    headers: signed.headers,
    body: signed.body,
  });
  io.out(`POST ${values.url} -> ${response.status} ${await response.text()}`);
  return response.ok ? 0 : 1;
}

async function sandbox(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: stringOption, 'api-key': stringOption, 'retry-scale': stringOption },
  });
  const port = Number(values.port ?? 4010);
  const apiKey = values['api-key'] ?? 'nmk_test_sandbox';
  const retryScale = Number(values['retry-scale'] ?? 1);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port must be a port number');
  if (!(retryScale > 0)) throw new UsageError('--retry-scale must be a positive number');
  const server = await NativeMessageSandbox.start({ port, apiKeys: [apiKey], retryScale });
  io.out(`NativeMessage sandbox listening on ${server.apiBaseUrl}`);
  io.out(`  API key: X-API-Key: ${apiKey}   login: sandbox / sandbox`);
  io.out('Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  return 0;
}

class UsageError extends Error {}

/**
 * Runs the `nativemessage` command line with `argv` (without node and the script) and returns the
 * exit code.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'send') return await send(rest[0], rest.slice(1), io);
    if (command === 'sandbox') return await sandbox(rest, io);
    if (command === undefined || command === '--help' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      io.err(`nativemessage: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    const cause =
      error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    io.err(`nativemessage: ${error instanceof Error ? error.message : String(error)}${cause}`);
    return 1;
  }
}
