import type { SignedWebhook } from 'nestjs-nativemessage/testing';
import { HOST_AUTH_HEADER } from './hostile-host';

/** A reply read in full. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or `undefined` when the body is not JSON. */
  json: unknown;
}

/** Sends a request over real HTTP and reads the whole reply. */
export async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  const method = init.method ?? 'GET';
  const response = await fetch(url, {
    method,
    // Reads identify themselves to the hostile host's guard; webhook deliveries never do.
    headers: method === 'GET' ? { [HOST_AUTH_HEADER]: 'ok', ...init.headers } : init.headers,
    body:
      typeof init.body === 'string' || init.body === undefined
        ? init.body
        : new Uint8Array(init.body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** POSTs a signed delivery exactly as signed. */
export function deliver(url: string, signed: SignedWebhook): Promise<Reply> {
  return request(url, { method: 'POST', headers: signed.headers, body: signed.body });
}
