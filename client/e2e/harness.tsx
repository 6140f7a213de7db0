import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import type { Envelope, TransportName } from '../src/index.js';
import { RealtimeProvider, useChannels } from '../src/react/index.js';

/**
 * The end-to-end tests' page: the hooks on the channels named in the URL, everything they receive
 * kept in `window.received` for the test to read. Served under the gateway's own origin by the
 * test (Playwright routes), so it is never part of the WAR.
 */
declare global {
  interface Window { received: Envelope[]; rtStatus: string; states: string[] }
}

const params = new URLSearchParams(location.search);
const channels = params.getAll('channel');
const transport = (params.get('transport') ?? 'websocket') as TransportName;
window.received = [];
window.rtStatus = 'idle';
window.states = [];

function Harness() {
  const { status, events } = useChannels(channels, { transport, keep: 10, onEvent: (e) => { window.received.push(e); } });
  useEffect(() => { window.rtStatus = status; window.states.push(status); }, [status]);
  return <p>status <b id="status">{status}</b>, last <b id="last">{events.at(-1)?.id ?? '-'}</b></p>;
}

createRoot(document.getElementById('root')!).render(
  <RealtimeProvider options={{ transport, shareAcrossTabs: params.get('share') === 'true', minReconnectDelay: 200, maxReconnectDelay: 1000 }}>
    <Harness />
  </RealtimeProvider>,
);
