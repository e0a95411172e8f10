import net from 'node:net';

/**
 * One keep-alive HTTP/1.1 connection that sends a request, reads the whole answer (status, headers, a Content-Length
 * or chunked body) and counts its bytes without keeping them, as wrk and autocannon do. For latency measurements:
 * node:http's client (ClientRequest, stream events, the body's chunks as objects) cost about 0.1 ms a request and its
 * own collector's pauses, which showed up in the percentiles of a server answering in 1–2 ms. One request at a time
 * (no pipelining); a connection the server closes is opened again for the next request.
 */
export class Http1Connection {
  private socket?: net.Socket;
  private waiting?: { resolve(r: Http1Response): void; reject(e: Error): void };
  /** The answer being read: a new one per request. */
  private parser = new ResponseParser();

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Sends `head` (request line and headers, without the blank line) and `body`; resolves once the answer is complete. */
  request(head: string, body?: Buffer): Promise<Http1Response> {
    if (this.waiting) return Promise.reject(new Error('one request at a time'));
    const socket = this.socket ?? this.open();
    this.parser = new ResponseParser();
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      const length = body ? `content-length: ${body.length}\r\n` : '';
      socket.write(`${head}\r\nhost: ${this.host}:${this.port}\r\n${length}\r\n`);
      if (body) socket.write(body);
    });
  }

  close() {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private open(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      let done: Http1Response | undefined;
      try {
        done = this.parser.push(chunk);
      } catch (err) {
        this.fail(err as Error);
        return;
      }
      if (!done) return;
      if (done.close) this.close();
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.resolve(done);
    });
    // Only this socket's own request fails with it (a late 'close' of a socket already replaced must not touch the next).
    const lost = (err?: Error) => {
      if (this.socket !== socket) return;
      this.fail(err ?? new Error('connection closed before the answer was complete'));
    };
    socket.on('error', lost);
    socket.on('close', () => lost());
    return socket;
  }

  private fail(err: Error) {
    this.close();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(err);
  }
}

export interface Http1Response {
  status: number;
  /** Body bytes received (after de-chunking). */
  bytes: number;
  /** The server said it closes the connection. */
  close: boolean;
}

/** Reads one HTTP/1.1 answer from chunks as they arrive; `push` returns it once complete. */
export class ResponseParser {
  /** Bytes of a head that has not ended yet. */
  private partialHead?: Buffer;
  private inBody = false;
  private finished = false;
  private status = 0;
  private close = false;
  private chunked = false;
  /** Content-Length: body bytes still expected. */
  private remaining = 0;
  /** Chunked: bytes left of the current chunk's data and its CRLF, or -1 while reading a size line. */
  private chunkLeft = -1;
  private sizeLine = '';
  private lastChunk = false;
  private bytes = 0;

  push(input: Buffer): Http1Response | undefined {
    if (this.finished) throw new Error('bytes after the end of the answer (the server sent more than one)');
    let chunk = input;
    let at = 0;
    if (!this.inBody) {
      if (this.partialHead) chunk = Buffer.concat([this.partialHead, input]);
      const end = chunk.indexOf('\r\n\r\n');
      if (end < 0) {
        this.partialHead = chunk;
        return undefined;
      }
      this.partialHead = undefined;
      this.parseHead(chunk.toString('latin1', 0, end));
      at = end + 4;
      this.inBody = true;
    }
    if (this.chunked) at = this.readChunks(chunk, at);
    else {
      const take = Math.min(this.remaining, chunk.length - at);
      this.remaining -= take;
      this.bytes += take;
      at += take;
    }
    if (this.chunked ? this.chunkLeft !== -2 : this.remaining > 0) return undefined;
    if (at !== chunk.length) throw new Error('bytes after the end of the answer (the server sent more than one)');
    this.finished = true;
    return { status: this.status, bytes: this.bytes, close: this.close };
  }

  private parseHead(head: string) {
    const [statusLine, ...lines] = head.split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!m) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
    this.status = Number(m[1]);
    let length: number | undefined;
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim().toLowerCase();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding' && value.includes('chunked')) this.chunked = true;
      else if (name === 'connection' && value === 'close') this.close = true;
    }
    if (this.chunked) return;
    if (length === undefined && (this.status === 204 || this.status === 304)) length = 0;
    // Without either, the body would run to the connection's end: not something these benchmarks' servers send.
    if (length === undefined || !Number.isSafeInteger(length) || length < 0) throw new Error('an answer with neither a valid Content-Length nor chunked encoding');
    this.remaining = length;
  }

  /** Consumes chunked-body bytes from `at`; chunkLeft becomes -2 once the last (zero-size) chunk's CRLF is read. */
  private readChunks(chunk: Buffer, at: number): number {
    while (at < chunk.length && this.chunkLeft !== -2) {
      if (this.chunkLeft === -1) {
        const nl = chunk.indexOf(0x0a, at);
        if (nl < 0) {
          this.sizeLine += chunk.toString('latin1', at);
          return chunk.length;
        }
        const line = (this.sizeLine + chunk.toString('latin1', at, nl)).trim();
        this.sizeLine = '';
        at = nl + 1;
        const size = parseInt(line.split(';')[0], 16);
        if (!Number.isFinite(size) || size < 0) throw new Error(`bad chunk size line ${JSON.stringify(line)}`);
        this.lastChunk = size === 0;
        this.chunkLeft = size + 2; // the data and its CRLF (the last chunk: only the CRLF ending the body, no trailers)
        continue;
      }
      const take = Math.min(this.chunkLeft, chunk.length - at);
      this.bytes += Math.max(0, Math.min(take, this.chunkLeft - 2));
      this.chunkLeft -= take;
      at += take;
      if (this.chunkLeft === 0) this.chunkLeft = this.lastChunk ? -2 : -1;
    }
    return at;
  }
}
