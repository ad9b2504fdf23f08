import { createConnection, createServer, Server, Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a real server, that a test can cut: `down` resets every
 * connection, `hang` accepts connections and never forwards a byte (a network that went silent).
 */
export class TcpProxy {
  private mode: 'up' | 'down' | 'hang' = 'up';
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Starts a proxy on an ephemeral 127.0.0.1 port towards `targetPort`. */
  static start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    return new Promise((resolve, reject) => {
      let proxy: TcpProxy;
      const server = createServer((client) => proxy.accept(client, targetHost, targetPort));
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
        resolve(proxy);
      });
    });
  }

  /** Cuts the link: existing connections are destroyed, new ones reset (`down`) or stall (`hang`). */
  cut(mode: 'down' | 'hang'): void {
    this.mode = mode;
    this.destroyAll();
  }

  /** Lets traffic through again; stalled connections are dropped so their clients notice. */
  restore(): void {
    this.mode = 'up';
    this.destroyAll();
  }

  /** Stops the proxy. */
  close(): Promise<void> {
    this.destroyAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    this.track(client);
    if (this.mode === 'down') {
      client.destroy();
      return;
    }
    if (this.mode === 'hang') return;
    const upstream = createConnection({ host, port });
    this.track(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
  }

  private destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}
