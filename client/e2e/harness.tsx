import { useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import type { Envelope, PublishAck, TransportName } from '../src/index.js';
import { RenderProgress } from '../src/components/index.js';
import {
  RealtimeProvider, useAbTestResults, useCampaignMetricsStream, useChannels, useCouncilScoreStream, useLiveMetrics,
  usePresence, usePublish, useRenderProgressStream, useSSE,
} from '../src/react/index.js';

/**
 * The end-to-end tests' page: the hooks on the channels named in the URL, everything they receive
 * kept in `window.received` for the test to read, and the channels whose subscription the gateway
 * confirmed in `window.rtSubscribed` (what a page can rely on: events published from then on reach it); `?page=seed` shows the seed's hooks on the seed
 * routes instead. Served under the gateway's own origin by the test (Playwright routes), so it is
 * never part of the WAR.
 */
declare global {
  interface Window {
    received: Envelope[]; rtStatus: string; rtSubscribed: string[]; states: string[]; seed: Record<string, unknown>;
    presence: { users: Array<string | null>; partial: boolean; loading: boolean; error?: string };
    rtPublish(channel: string, type: string, data: Record<string, unknown>, options?: { idempotencyKey?: string }): Promise<PublishAck>;
  }
}

const params = new URLSearchParams(location.search);
const channels = params.getAll('channel');
const transport = (params.get('transport') ?? 'websocket') as TransportName;
window.received = [];
window.rtStatus = 'idle';
window.rtSubscribed = [];
window.states = [];
window.seed = {};

function Harness() {
  const { status, events, subscriptions } = useChannels(channels, { transport, keep: 10, onEvent: (e) => { window.received.push(e); } });
  const publish = usePublish({ transport });
  useEffect(() => { window.rtStatus = status; window.states.push(status); }, [status]);
  useEffect(() => { window.rtPublish = publish; }, [publish]);
  useEffect(() => {
    window.rtSubscribed = Object.values(subscriptions).filter((s) => s.state === 'subscribed').map((s) => s.channel);
  }, [subscriptions]);
  return <p>status <b id="status">{status}</b>, last <b id="last">{events.at(-1)?.id ?? '-'}</b></p>;
}

/** usePresence on the first channel: who the page sees, kept in `window.presence`. */
function Presence() {
  const { members, partial, loading, error } = usePresence(channels[0], { transport });
  useEffect(() => {
    window.presence = { users: members.map((m) => m.user), partial, loading, error: error?.code };
  });
  return <p id="presence">{members.length} on {channels[0]}</p>;
}

/** The seed's hooks as a page built on the seed would call them. */
function Seed() {
  const id = params.get('id')!;
  const job = useRenderProgressStream(id);
  const campaign = useCampaignMetricsStream(id);
  const ab = useAbTestResults(id);
  const live = useLiveMetrics(id, 'campaign');
  const raw = useSSE(`/api/stream/render-progress/${id}`);
  const council = useCouncilScoreStream(params.get('video'), 'Stop scrolling: coffee in 10 minutes', ['hook', 'cta']);
  useEffect(() => {
    window.seed = {
      job: { progress: job.progress, frame: job.frame, stage: job.stage, status: job.status, connection: job.connection.state },
      campaign: { clicks: campaign.metrics.clicks?.value, direction: campaign.metrics.clicks?.direction },
      ab: { winner: ab.winner, variants: ab.variants.length },
      live: live.figures,
      raw: raw.events.map((e) => e.type),
      council: { evaluationId: council.evaluationId, status: council.status, models: council.models, aggregate: council.aggregate },
    };
  });
  return (
    <div>
      <RenderProgress jobId={id} />
      <p id="council">{council.status} {council.evaluationId} {council.aggregate?.score}</p>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <RealtimeProvider options={{ transport, shareAcrossTabs: params.get('share') === 'true', minReconnectDelay: 200, maxReconnectDelay: 1000 }}>
    {params.get('page') === 'seed' ? <Seed /> : params.get('page') === 'presence' ? <Presence /> : <Harness />}
  </RealtimeProvider>,
);
