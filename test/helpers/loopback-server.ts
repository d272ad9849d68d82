/** A test server on 127.0.0.1 at a free port, whose close also ends the connections it holds open (long polls, streams). */
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Listening is a started server's address and its close. */
export interface Listening {
  url: string;
  close: () => Promise<void>;
}

/** listenLoopback starts a server on 127.0.0.1 at a free port. */
export async function listenLoopback(server: Server): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
