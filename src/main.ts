import { Logger } from '@nestjs/common';
import { loadAppConfig } from './app.config';
import { createApp } from './app.factory';

async function bootstrap(): Promise<void> {
  const config = loadAppConfig();
  const app = await createApp(config);
  app.enableShutdownHooks();
  await app.listen(config.port);
  const database = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'postgres';
  new Logger('DeliveryTracker').log(
    `Listening on http://127.0.0.1:${config.port} (webhook: POST /webhooks/nativemessage, database: ${database})`,
  );
}

bootstrap().catch((error: unknown) => {
  new Logger('DeliveryTracker').error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
