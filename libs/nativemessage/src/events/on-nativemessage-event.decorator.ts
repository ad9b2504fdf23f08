import { NATIVEMESSAGE_EVENT_HANDLER } from '../nativemessage.constants';
import type { NativeMessageEvent, NativeMessageEventClass } from './nativemessage.events';

/**
 * Subscribes a provider method to an event class. The method's parameter type is checked against the
 * event class, and whatever the method throws propagates: in inline mode the webhook answers 500 and
 * the provider retries. Handlers of one event run one after another, in discovery order.
 *
 * @example
 * ```ts
 * @OnNativeMessageEvent(MessageDelivered)
 * async markDelivered(event: MessageDelivered) { ... }
 * ```
 */
export function OnNativeMessageEvent<E extends NativeMessageEvent>(
  eventClass: NativeMessageEventClass<E>,
): <M extends (event: E) => unknown>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void {
  return (_target, _key, descriptor) => {
    const method = descriptor.value;
    if (typeof method !== 'function') {
      throw new TypeError('@OnNativeMessageEvent can only decorate methods');
    }
    const existing =
      (Reflect.getMetadata(NATIVEMESSAGE_EVENT_HANDLER, method) as
        NativeMessageEventClass[] | undefined) ?? [];
    Reflect.defineMetadata(NATIVEMESSAGE_EVENT_HANDLER, [...existing, eventClass], method);
  };
}

/** The event classes a method subscribes to (empty when none). */
export function getSubscribedEvents(method: unknown): readonly NativeMessageEventClass[] {
  if (typeof method !== 'function') return [];
  return (
    (Reflect.getMetadata(NATIVEMESSAGE_EVENT_HANDLER, method) as NativeMessageEventClass[]) ?? []
  );
}
