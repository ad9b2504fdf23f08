export { NativeMessageHealthIndicator } from './nativemessage-health.indicator';
export type { NativeMessageHealthThresholds } from './nativemessage-health.indicator';
