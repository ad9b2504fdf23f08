import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_WEBHOOK_PATH } from './nativemessage.constants';
import type {
  NativeMessageModuleExtras,
  NativeMessageModuleOptions,
} from './interfaces/nativemessage-options.interface';
import { createWebhookController } from './webhook/webhook.controller';

/** Internal token of the webhook path extra, validated with the options. */
export const NATIVEMESSAGE_WEBHOOK_PATH = Symbol('NATIVEMESSAGE_WEBHOOK_PATH');

export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: NATIVEMESSAGE_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<NativeMessageModuleOptions>({ moduleName: 'NativeMessage' })
  .setClassMethodName('forRoot')
  .setExtras<NativeMessageModuleExtras>(
    {
      isGlobal: false,
      webhookPath: DEFAULT_WEBHOOK_PATH,
      storage: undefined,
      routeMetadata: undefined,
    },
    (definition, extras) => {
      const webhookPath = extras.webhookPath ?? DEFAULT_WEBHOOK_PATH;
      return {
        ...definition,
        global: extras.isGlobal ?? false,
        controllers: [
          ...(definition.controllers ?? []),
          createWebhookController(webhookPath, extras.routeMetadata),
        ],
        providers: [
          ...(definition.providers ?? []),
          { provide: NATIVEMESSAGE_WEBHOOK_PATH, useValue: webhookPath },
          ...(extras.storage?.providers ?? []),
        ],
        exports: [...(definition.exports ?? []), ...(extras.storage?.exports ?? [])],
      };
    },
  )
  .build();
