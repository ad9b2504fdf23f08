/**
 * Signs a sample delivery report and sends it to the running example app, then shows what the app
 * recorded. Reads PORT and NATIVEMESSAGE_WEBHOOK_SECRET like the app (first secret of the list).
 *
 *   npm run send-test-webhook [-- --status failed --message-id msg_123]
 */
import { parseArgs } from 'node:util';
import { createDlrPayload, signWebhook } from 'nestjs-nativemessage/testing';
import { loadAppConfig } from '../src/app.config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      status: { type: 'string', default: 'delivered' },
      'message-id': { type: 'string' },
      url: { type: 'string' },
    },
  });
  const config = loadAppConfig();
  const base = `http://127.0.0.1:${config.port}`;
  const url = values.url ?? `${base}/webhooks/nativemessage`;
  const payload = createDlrPayload({
    status: values.status,
    ...(values['message-id'] ? { message_id: values['message-id'] } : {}),
  });
  const signed = signWebhook(payload, config.webhookSecrets[0]);

  const reply = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
  console.log(`POST ${url} -> ${reply.status} ${await reply.text()}`);
  if (!reply.ok || values.url) return;
  const view = await fetch(`${base}/messages/${payload.message_id}`);
  console.log(`GET ${base}/messages/${payload.message_id} -> ${view.status} ${await view.text()}`);
}

main().catch((error: unknown) => {
  const cause =
    error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  console.error(
    `send-test-webhook failed: ${error instanceof Error ? error.message : String(error)}${cause}`,
  );
  console.error('Is the app running? Start it with: npm start');
  process.exitCode = 1;
});
