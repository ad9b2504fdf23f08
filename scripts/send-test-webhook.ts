/**
 * Sends a signed sample delivery report to the running example app with the `nativemessage` CLI,
 * then shows what the app recorded. Reads PORT and NATIVEMESSAGE_WEBHOOK_SECRET like the app (the
 * first secret of the list). Extra arguments go to `nativemessage send dlr`:
 *
 *   npm run send-test-webhook [-- --status failed --message-id msg_123]
 */
import { runCli } from '../libs/nativemessage/src/cli/run-cli';
import { loadAppConfig } from '../src/app.config';

async function main(): Promise<number> {
  const config = loadAppConfig();
  const base = `http://127.0.0.1:${config.port}`;
  const args = process.argv.slice(2);
  const given = args.indexOf('--message-id');
  const messageId = given >= 0 ? args[given + 1] : `msg_${Date.now().toString(36)}`;
  const code = await runCli(
    [
      'send',
      'dlr',
      '--url',
      `${base}/webhooks/nativemessage`,
      '--secret',
      config.webhookSecrets[0],
      ...(given >= 0 ? [] : ['--message-id', messageId]),
      ...args,
    ],
    { out: (line) => console.log(line), err: (line) => console.error(line) },
  );
  if (code !== 0) {
    console.error('Is the app running? Start it with: npm start');
    return code;
  }
  // In inbox mode the handler runs just after the answer: give it a moment.
  for (let i = 0; i < 20; i++) {
    const view = await fetch(`${base}/messages/${messageId}`);
    if (view.status === 200 || i === 19) {
      console.log(`GET ${base}/messages/${messageId} -> ${view.status} ${await view.text()}`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`send-test-webhook failed: ${String(error)}`);
    process.exitCode = 1;
  },
);
