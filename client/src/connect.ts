import type { ClientOptions } from './client.js';
import { SharedRealtime } from './shared.js';
import { SseClient } from './sse.js';
import type { Realtime, TransportName } from './types.js';
import { WebSocketClient } from './ws.js';

export interface ConnectOptions extends ClientOptions {
  transport?: TransportName;
  /** Share one connection among this origin's tabs (default true where the browser can). */
  shareAcrossTabs?: boolean;
}

/** A client for the options: WebSocket unless told otherwise, shared across tabs unless told otherwise. */
export function connect(options: ConnectOptions = {}): Realtime {
  const make = (): Realtime => (options.transport === 'sse' ? new SseClient(options) : new WebSocketClient(options));
  if (options.shareAcrossTabs === false) return make();
  return SharedRealtime.create({ key: `${options.transport ?? 'websocket'} ${options.url ?? ''} ${options.wsPath ?? ''}`, create: make });
}

interface Held {
  client: Realtime;
  users: number;
  closeTimer?: ReturnType<typeof setTimeout>;
}

/**
 * One connection per page and gateway however many components use it: `acquire` hands out the
 * page's client for the options (made on first use) and `release` closes it shortly after its last
 * user left, so a component that re-mounts at once (React's strict mode does it) keeps it.
 */
export class ClientRegistry {
  private readonly held = new Map<string, Held>();

  constructor(private readonly factory: (options: ConnectOptions) => Realtime = connect, private readonly lingerMs = 1000) {}

  refreshTokens(): void {
    for (const held of this.held.values()) held.client.refreshToken();
  }

  acquire(options: ConnectOptions = {}): { client: Realtime; release: () => void } {
    const key = `${options.transport ?? 'websocket'} ${options.url ?? ''} ${options.wsPath ?? ''} ${options.shareAcrossTabs !== false}`;
    let held = this.held.get(key);
    if (!held || held.client.state === 'closed') {
      held = { client: this.factory(options), users: 0 };
      this.held.set(key, held);
    }
    if (held.closeTimer) clearTimeout(held.closeTimer);
    held.closeTimer = undefined;
    held.users++;
    const h = held;
    let released = false;
    return {
      client: h.client,
      release: () => {
        if (released) return;
        released = true;
        if (--h.users > 0) return;
        h.closeTimer = setTimeout(() => {
          if (h.users === 0 && this.held.get(key) === h) {
            this.held.delete(key);
            h.client.close();
          }
        }, this.lingerMs);
      },
    };
  }
}

/** The page's registry, used by the React hooks unless a provider gives another. */
export const pageClients = new ClientRegistry();
