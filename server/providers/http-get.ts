import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';

/**
 * A GET for provider clients, on node:http(s) with keep-alive, in place of `fetch` on the sync's hot path: undici's
 * fetch (WHATWG streams, Headers, AbortSignal.any) took 1.2–1.8 ms of CPU per 100-contact GoHighLevel page against
 * 0.7–0.9 ms this way, on the thread that also runs the embedded database, so a sync on PGlite stored that much slower.
 */

/** One pool of kept-alive sockets per protocol for the process, as fetch had. */
const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

export interface HttpGetResponse {
  status: number;
  ok: boolean;
  /** A header by name, any case; repeated headers joined with ", " (as fetch's Headers does). */
  headers: { get(name: string): string | null };
  /** The body as text (decompressed), or a rejection with HttpGetError when it does not arrive whole. */
  text(): Promise<string>;
}

export class HttpGetError extends Error {
  constructor(
    /** aborted: the caller's signal; timeout: `timeoutMs` passed before the body ended; network: anything else. */
    readonly reason: 'aborted' | 'timeout' | 'network',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpGetError';
  }
}

/**
 * Resolves once the status line and headers arrive (rate-limit headers can be read before the body); the body is read
 * at once and handed over by `text()`. `timeoutMs` covers the whole exchange, body included. Redirects are not
 * followed: a 3xx is an answer like any other. gzip, deflate and br bodies are decompressed.
 */
export function httpGet(url: URL, headers: Record<string, string>, opts: { signal?: AbortSignal; timeoutMs: number }): Promise<HttpGetResponse> {
  const { signal, timeoutMs } = opts;
  if (signal?.aborted) return Promise.reject(new HttpGetError('aborted', 'The request was cancelled.'));
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    // Why the exchange was cut short by us, so every later error reports that rather than the socket's symptom.
    let stopped: HttpGetError | undefined;
    const stop = (err: HttpGetError) => {
      stopped ??= err;
      req.destroy(err);
    };
    const timer = setTimeout(() => stop(new HttpGetError('timeout', `No complete answer within ${timeoutMs} ms.`)), timeoutMs);
    const onAbort = () => stop(new HttpGetError('aborted', 'The request was cancelled.'));
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const failed = (err: unknown) => stopped ?? new HttpGetError('network', err instanceof Error ? err.message : String(err), { cause: err });

    const req = (secure ? https : http).request(
      url,
      { method: 'GET', headers: { ...headers, 'Accept-Encoding': 'gzip, deflate, br' }, agent: secure ? agents.https : agents.http },
      (res) => {
        const body = new Promise<string>((resolveBody, rejectBody) => {
          let ended = false;
          const fail = (err: unknown) => {
            if (ended) return;
            ended = true;
            done();
            rejectBody(failed(err));
          };
          let stream: Readable = res;
          const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
          const decoder =
            encoding === 'gzip' || encoding === 'x-gzip' ? zlib.createGunzip() : encoding === 'deflate' ? zlib.createInflate() : encoding === 'br' ? zlib.createBrotliDecompress() : undefined;
          if (decoder) {
            stream = res.pipe(decoder);
            decoder.on('error', fail);
          }
          stream.setEncoding('utf8');
          let text = '';
          stream.on('data', (chunk: string) => (text += chunk));
          stream.on('end', () => {
            if (ended) return;
            ended = true;
            done();
            resolveBody(text);
          });
          // Also a connection closed before the body's end (a Content-Length not reached, a chunked body cut off).
          res.on('error', fail);
        });
        body.catch(() => {}); // a caller that only needed the status need not read it
        const status = res.statusCode ?? 0;
        resolve({
          status,
          ok: status >= 200 && status < 300,
          headers: {
            get: (name) => {
              const value = res.headers[name.toLowerCase()];
              return value == null ? null : Array.isArray(value) ? value.join(', ') : value;
            },
          },
          text: () => body,
        });
      },
    );
    req.on('error', (err) => {
      done();
      reject(failed(err)); // no effect once the headers have resolved: the body reports it then
    });
    req.end();
  });
}
