import {
  ArgumentsHost,
  CanActivate,
  Catch,
  ExceptionFilter,
  ExecutionContext,
  HttpException,
  Injectable,
  Provider,
  UnauthorizedException,
  ValidationPipe,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, HttpAdapterHost, Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { NATIVEMESSAGE_WEBHOOK_ROUTE } from 'nestjs-nativemessage';

/** Header the tests' own reads carry to get through the host's guard; webhooks never send it. */
export const HOST_AUTH_HEADER = 'x-host-auth';

/** A host's global auth guard: everything needs the header, except routes the module marks. */
@Injectable()
class HostAuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.get<boolean>(NATIVEMESSAGE_WEBHOOK_ROUTE, context.getClass())) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    if (request.headers[HOST_AUTH_HEADER] === 'ok') return true;
    throw new UnauthorizedException('host says no');
  }
}

/** A global throttler with a tiny limit; the tests' reads are exempt, the webhook route is not. */
@Injectable()
class HostThrottlerGuard extends ThrottlerGuard {
  protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    return Promise.resolve(request.headers[HOST_AUTH_HEADER] === 'ok');
  }
}

/** A global filter that rewrites every error body in the host's own shape. */
@Catch()
class HostExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    this.adapterHost.httpAdapter.reply(
      host.switchToHttp().getResponse(),
      { hostError: 'rewritten by the host', statusCode: status },
      status,
    );
  }
}

/** Imports of the hostile host. */
export const HOSTILE_IMPORTS = [ThrottlerModule.forRoot([{ ttl: 60_000, limit: 3 }])];

/** Global guard, throttler, filter and strict validation, as a demanding host app has them. */
export const HOSTILE_PROVIDERS: Provider[] = [
  { provide: APP_GUARD, useClass: HostAuthGuard },
  { provide: APP_GUARD, useClass: HostThrottlerGuard },
  { provide: APP_FILTER, useClass: HostExceptionFilter },
  {
    provide: APP_PIPE,
    useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
  },
];

/** What the host passes to the module so its throttler leaves the provider's retries alone. */
export const HOSTILE_ROUTE_METADATA = { 'THROTTLER:SKIPdefault': true };
