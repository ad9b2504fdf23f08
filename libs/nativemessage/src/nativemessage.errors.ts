/** Base class of every error the library throws outside an HTTP answer. */
export class NativeMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The module options are invalid; the message lists every problem at once. */
export class NativeMessageConfigurationError extends NativeMessageError {
  constructor(readonly problems: readonly string[]) {
    super(
      `NativeMessageModule options are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
  }
}

/**
 * The webhook request reached the module without its raw bytes, so its signature cannot be checked.
 * This is a set-up problem of the host application, never of the provider.
 */
export class RawBodyUnavailableError extends NativeMessageError {
  constructor() {
    super(
      'NativeMessage webhook received a JSON body but the raw request bytes are not available, so the ' +
        'signature cannot be verified. Possible fixes:\n' +
        '  - create the application with raw body capture: NestFactory.create(AppModule, { rawBody: true })\n' +
        '    (the same option works with the Fastify adapter);\n' +
        '  - in tests: moduleRef.createNestApplication(adapter, { rawBody: true });\n' +
        "  - do not disable Nest's body parser ({ bodyParser: false }) for the webhook route.",
    );
  }
}

/** A `@OnNativeMessageEvent` handler threw; the original error is kept in `cause`. */
export class NativeMessageHandlerError extends NativeMessageError {
  constructor(
    readonly handler: string,
    readonly eventName: string,
    override readonly cause: unknown,
  ) {
    super(
      `Handler ${handler} failed on ${eventName}: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  }
}

/** The message of a caught value, for logs (internal; not exported from the package). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
