import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { NativeMessageHandlerError } from '../nativemessage.errors';
import type { NativeMessageEvent, NativeMessageEventClass } from './nativemessage.events';
import { getSubscribedEvents } from './on-nativemessage-event.decorator';

interface HandlerRef {
  readonly name: string;
  readonly invoke: (event: NativeMessageEvent) => unknown;
}

/**
 * Finds `@OnNativeMessageEvent` methods on the application's providers and calls them. Handlers of an
 * event run in sequence and are awaited; the first failure stops the delivery and propagates.
 */
@Injectable()
export class NativeMessageEventPublisher implements OnModuleInit {
  private readonly logger = new Logger(NativeMessageEventPublisher.name);
  private readonly handlers = new Map<NativeMessageEventClass, HandlerRef[]>();
  private discovered = false;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    this.discover();
  }

  /** Number of handlers subscribed to an event class. */
  handlerCount(eventClass: NativeMessageEventClass): number {
    this.discover();
    return this.handlers.get(eventClass)?.length ?? 0;
  }

  /**
   * Calls every handler of every event, in order.
   * @throws NativeMessageHandlerError wrapping the first handler failure
   */
  async publish(events: readonly NativeMessageEvent[]): Promise<void> {
    this.discover();
    for (const event of events) {
      const eventClass = event.constructor as NativeMessageEventClass;
      for (const handler of this.handlers.get(eventClass) ?? []) {
        try {
          await handler.invoke(event);
        } catch (error) {
          throw new NativeMessageHandlerError(handler.name, eventClass.eventName, error);
        }
      }
    }
  }

  private discover(): void {
    if (this.discovered) return;
    this.discovered = true;
    const seen = new Set<unknown>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object' || seen.has(instance)) continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (instance as Record<string, unknown>)[methodName];
        const events = getSubscribedEvents(method);
        if (events.length === 0) continue;
        const name = `${instance.constructor.name}.${methodName}`;
        if (!wrapper.isDependencyTreeStatic()) {
          this.logger.warn(
            `${name} is request-scoped; @OnNativeMessageEvent handlers must be singletons and it is ignored`,
          );
          continue;
        }
        const invoke = (method as (e: NativeMessageEvent) => unknown).bind(instance);
        for (const eventClass of events) {
          const list = this.handlers.get(eventClass) ?? [];
          list.push({ name, invoke });
          this.handlers.set(eventClass, list);
        }
      }
    }
  }
}
