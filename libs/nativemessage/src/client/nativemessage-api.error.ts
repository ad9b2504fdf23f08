import { NativeMessageError } from '../nativemessage.errors';

/** Why an API call failed. */
export type ApiFailureReason = 'http' | 'rate-limited' | 'timeout' | 'network';

/**
 * A call to the NativeMessage API failed. Carries the status, the provider's `error` text, the method
 * and the path; never a token, key or secret.
 */
export class NativeMessageApiError extends NativeMessageError {
  constructor(
    /** HTTP status, or `null` when no answer arrived (timeout, network). */
    readonly status: number | null,
    /** The provider's `error` text, when it sent one. */
    readonly providerError: string | null,
    /** HTTP method of the call. */
    readonly method: string,
    /** API path of the call, without the base URL or query. */
    readonly path: string,
    /** Kind of failure. */
    readonly reason: ApiFailureReason,
    /** Attempts made. */
    readonly attempts: number,
  ) {
    super(
      `NativeMessage API ${method} ${path} failed` +
        (status === null ? ` (${reason})` : ` with ${status}`) +
        (providerError ? `: ${providerError}` : '') +
        (attempts > 1 ? ` after ${attempts} attempts` : ''),
    );
  }
}
