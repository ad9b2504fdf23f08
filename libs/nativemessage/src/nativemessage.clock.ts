import { Injectable } from '@nestjs/common';

/** The module's source of time; override the provider in tests to move the clock. */
@Injectable()
export class NativeMessageClock {
  /** The current time. */
  now(): Date {
    return new Date();
  }
}
