import { Controller, HttpCode, Module, Post } from '@nestjs/common';

/** Bare Nest: the webhook route answers at once, nothing else (and the library is not loaded). */
@Controller()
class BareController {
  @Post('webhooks/nativemessage')
  @HttpCode(200)
  receive(): { received: boolean } {
    return { received: true };
  }
}

@Module({ controllers: [BareController] })
export class BareModule {}
