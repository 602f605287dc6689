import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SiemDeliveryError } from '../siem-forwarder';

export interface PostHttpOptions {
  headers: Record<string, string>;
  /** Extra trusted CA (PEM) for a SIEM with a private PKI or a self-signed certificate. */
  ca?: string | Buffer;
  timeoutMs: number;
}

/**
 * POSTs a body and resolves with the status and up to 2 KB of the answer. Rejects with a
 * SiemDeliveryError on network errors and timeouts. No redirects are followed: a collector that
 * redirects is misconfigured, and following it could send audit data somewhere unintended.
 */
export function postHttp(url: URL, body: string, options: PostHttpOptions): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...options.headers },
        ...(options.ca ? { ca: options.ca } : {}),
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < 2048) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8').slice(0, 2048) }));
        res.on('error', (error) => reject(new SiemDeliveryError(`${url.host}: response error: ${error.message}`)));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (error) => reject(new SiemDeliveryError(`${url.host}: ${error.message}`)));
    req.end(body);
  });
}
