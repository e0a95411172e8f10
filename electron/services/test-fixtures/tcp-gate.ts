import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP relay in front of a real server, to cut the network and restore it on the same port:
 * `cut()` closes the listener and every connection (the client sees ECONNREFUSED/ECONNRESET),
 * `silence()` keeps accepting connections but never answers (a host that dropped off the network, a
 * frozen server: the client only learns by its own timeout), `restore()` relays again.
 */
export class TcpGate {
  private server: Server | null = null;
  private sockets = new Set<Socket>();
  private silent = false;
  private readonly hushers = new Set<() => void>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async open(): Promise<this> {
    const server = createServer((client) => {
      this.sockets.add(client);
      client.on('error', () => client.destroy()).on('close', () => this.sockets.delete(client));
      // Silent: swallow whatever the client sends; never answer, never close.
      if (this.silent) return void client.on('data', () => {});
      const upstream = createConnection(this.target);
      this.sockets.add(upstream);
      // Once quiet, a connection stays quiet: open, answering nothing, like one to a host that vanished.
      let quiet = false;
      const hush = () => {
        quiet = true;
        upstream.destroy();
      };
      this.hushers.add(hush);
      const drop = () => {
        this.hushers.delete(hush);
        upstream.destroy();
        this.sockets.delete(upstream);
        if (!quiet) client.destroy();
      };
      upstream.on('error', drop).on('close', drop);
      client.on('close', drop);
      client.on('data', (d) => {
        if (!quiet) upstream.write(d);
      });
      upstream.on('data', (d) => {
        if (!quiet) client.write(d);
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  private dropAll() {
    for (const sock of this.sockets) sock.destroy();
    this.sockets.clear();
  }

  async cut(): Promise<void> {
    const s = this.server;
    this.server = null;
    this.silent = false;
    this.dropAll();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Connections, open or new, answer nothing from now on, and are not closed either. */
  async silence(): Promise<void> {
    if (!this.server) await this.open();
    this.silent = true;
    for (const hush of this.hushers) hush();
    this.hushers.clear();
  }

  /** Relays again (connections that went quiet stay quiet until their clients give up on them). */
  async restore(): Promise<void> {
    this.silent = false;
    if (!this.server) await this.open();
  }
}
