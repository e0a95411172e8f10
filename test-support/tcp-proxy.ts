import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP relay in front of a real server (PostgreSQL in the fault tests), to take the server "away"
 * from the point of view of its clients and bring it back on the same address:
 *
 * - `refuse()` stops listening: new connections fail with ECONNREFUSED, as against a stopped server;
 * - `resetAll()` aborts every relayed connection with a TCP RST (the client sees ECONNRESET);
 * - `accept()` listens again on the same port.
 *
 * Connections are relayed byte for byte, so anything the real server sends before closing (PostgreSQL's
 * FATAL "terminating connection due to administrator command" when it shuts down) reaches the client.
 */
export class TcpProxy {
  private server: Server | null = null;
  private pairs = new Set<{ client: Socket; upstream: Socket }>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** Relayed connections currently open. */
  get open(): number {
    return this.pairs.size;
  }

  async accept(): Promise<this> {
    if (this.server) return this;
    const server = createServer({ pauseOnConnect: true }, (client) => {
      const upstream = createConnection(this.target);
      const pair = { client, upstream };
      this.pairs.add(pair);
      let closed = false;
      // Whatever ends one side ends the other the same way: a reset is relayed as a reset, an orderly close as one.
      const end = (from: Socket, to: Socket) => (err?: Error) => {
        if (closed) return;
        closed = true;
        this.pairs.delete(pair);
        if (err) to.resetAndDestroy();
        else to.end();
        from.destroy();
      };
      client.on('error', end(client, upstream)).on('end', () => upstream.end()).on('close', () => end(client, upstream)());
      upstream.on('error', end(upstream, client)).on('end', () => client.end()).on('close', () => end(upstream, client)());
      upstream.once('connect', () => {
        client.pipe(upstream, { end: false });
        upstream.pipe(client, { end: false });
        client.resume();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops accepting connections (ECONNREFUSED); open ones are left alone. */
  async refuse(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    // close() stops listening at once; its callback would wait for the relayed connections to end.
    s.close();
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Aborts every open relayed connection on both sides with a TCP RST. */
  resetAll(): number {
    const n = this.pairs.size;
    for (const { client, upstream } of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
    return n;
  }

  async close(): Promise<void> {
    await this.refuse();
    this.resetAll();
  }
}
