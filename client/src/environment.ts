/** What a client needs from its host, passed in so the same code runs in a browser and in Node tests. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = new (url: string) => WebSocketLike;

export interface Environment {
  fetch: typeof fetch;
  WebSocket: WebSocketFactory;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
  /** Epoch ms. */
  now(): number;
  /** The page's origin, the default gateway URL. */
  origin(): string;
  online(): boolean;
  visible(): boolean;
  /** Calls back with true when the network comes back, false when it goes; returns the unsubscribe. */
  onNetworkChange(listener: (online: boolean) => void): () => void;
  onVisibilityChange(listener: (visible: boolean) => void): () => void;
}

/** The browser's (or any global scope's) implementations, with harmless answers where one is missing. */
export function defaultEnvironment(overrides: Partial<Environment> = {}): Environment {
  const g = globalThis as any;
  const base: Environment = {
    fetch: (...args: Parameters<typeof fetch>) => g.fetch(...args),
    WebSocket: g.WebSocket,
    setTimeout: (fn, ms) => g.setTimeout(fn, ms),
    clearTimeout: (h) => g.clearTimeout(h),
    random: Math.random,
    now: () => Date.now(),
    origin: () => (g.location ? g.location.origin : 'http://localhost:9080'),
    online: () => (g.navigator && typeof g.navigator.onLine === 'boolean' ? g.navigator.onLine : true),
    visible: () => (g.document ? g.document.visibilityState !== 'hidden' : true),
    onNetworkChange(listener) {
      if (!g.addEventListener) return () => {};
      const on = () => listener(true);
      const off = () => listener(false);
      g.addEventListener('online', on);
      g.addEventListener('offline', off);
      return () => {
        g.removeEventListener('online', on);
        g.removeEventListener('offline', off);
      };
    },
    onVisibilityChange(listener) {
      if (!g.document || !g.document.addEventListener) return () => {};
      const handler = () => listener(g.document.visibilityState !== 'hidden');
      g.document.addEventListener('visibilitychange', handler);
      return () => g.document.removeEventListener('visibilitychange', handler);
    },
  };
  return { ...base, ...overrides };
}
