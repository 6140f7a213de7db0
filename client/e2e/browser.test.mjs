// The client, its React hooks and the dashboard in headless Chromium against real gateways: the
// runnable JAR in Redis mode (with a redis-server of this test's own, so history outlives a gateway
// restart). Screenshots go to target/e2e/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  Gateway, OUT, Redis, StandInProvider, harnessUrl, launchBrowser, rawGet, receivedIds, routeHarness, seriousViolations, until,
} from './support.mjs';

const run = Math.random().toString(36).slice(2, 8);
let redis;
let gateway;
let browser;
let provider;

before(async () => {
  redis = await Redis.start();
  provider = await StandInProvider.start(['Strong hook, ', 'clear offer.\n', 'SCORE: 82']);
  // Presence with join/leave on the job namespace (DESIGN §11): off elsewhere, as by default.
  // A 2 s SSE heartbeat: a closed SSE page is noticed at the next write (Liberty's rule), so its
  // presence leave comes within seconds, not after the default 15 s heartbeat.
  gateway = await Gateway.start({ REDIS_URL: redis.url, GATEWAY_NAMESPACE_JOB_PRESENCE: 'true',
    GATEWAY_NAMESPACE_JOB_JOIN_LEAVE: 'true', GATEWAY_SSE_HEARTBEAT_SECONDS: '2', ...provider.env() });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await gateway?.kill();
  redis?.stop();
  provider?.close();
});

/**
 * A harness page, once the gateway confirmed each of its channels: only then does an event published
 * reach it. (The gateway's subscriber count is no such barrier: with Redis it counts a subscription
 * while the instance still waits for Redis to confirm its SUBSCRIBE, and an event published then is
 * before the subscription's position.)
 */
async function openHarness(context, options) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(harnessUrl(gateway, options));
  await page.waitForFunction(() => window.rtStatus === 'open', null, { timeout: 60_000 });
  await page.waitForFunction((channels) => channels.every((c) => window.rtSubscribed.includes(c)), options.channels ?? [],
    { timeout: 60_000 });
  return page;
}

describe('browser client', () => {
  it('hooks receive every event over SSE and over WebSocket', async () => {
    const context = await browser.newContext();
    await routeHarness(context);
    const channels = [`job:e2e-${run}-a`, `job:e2e-${run}-b`];
    const sse = await openHarness(context, { transport: 'sse', channels });
    const ws = await openHarness(context, { transport: 'websocket', channels });
    const published = { [channels[0]]: [], [channels[1]]: [] };
    for (let i = 0; i < 6; i++) {
      const c = channels[i % 2];
      published[c].push(await gateway.publish(c, 'job_progress', { jobId: c.slice(4), stage: 'render', frame: i + 1, totalFrames: 6 }));
    }
    for (const page of [sse, ws]) {
      for (const c of channels) {
        await until(`${c} on the page`, async () => (await receivedIds(page, c)).length >= 3, 30_000);
        assert.deepEqual(await receivedIds(page, c), published[c]);
      }
    }
    await context.close();
  });

  it('usePresence shows who is on a channel over SSE and WebSocket, and a closed page leaves', async () => {
    const context = await browser.newContext();
    await routeHarness(context);
    const channel = `job:presence-${run}`;
    const open = async (transport) => {
      const page = await context.newPage();
      page.on('pageerror', (e) => console.error('page error:', e));
      await page.goto(harnessUrl(gateway, { transport, channels: [channel], page: 'presence' }));
      return page;
    };
    const ws = await open('websocket');
    await until('the WebSocket page sees itself', async () => (await ws.evaluate(() => window.presence?.users.length)) === 1);
    const sse = await open('sse');
    for (const page of [ws, sse]) {
      // The WebSocket page learns of the SSE page by its join; the SSE page reads both.
      await until('two members on each page', async () => (await page.evaluate(() => window.presence?.users.length)) === 2);
      assert.equal(await page.evaluate(() => window.presence.partial), false);
    }
    assert.equal(await ws.locator('#presence').textContent(), `2 on ${channel}`);
    await sse.close();
    await until('the leave reaches the WebSocket page', async () => (await ws.evaluate(() => window.presence.users.length)) === 1);
    const stats = await gateway.json(`/api/channels/${channel}/presence/stats`);
    assert.equal(stats.connections, 1);
    await context.close();
  });

  it('survives a gateway restarted mid-stream: nothing lost, nothing twice, in order', async () => {
    const context = await browser.newContext();
    await routeHarness(context);
    const channels = [`job:e2e-${run}-r1`, `job:e2e-${run}-r2`];
    const pages = {
      sse: await openHarness(context, { transport: 'sse', channels }),
      websocket: await openHarness(context, { transport: 'websocket', channels }),
    };
    // The dashboard too: it must say the gateway is unreachable, grey what it shows, then recover.
    const dashboard = await context.newPage();
    await dashboard.goto(`${gateway.base}/?channel=${encodeURIComponent(channels[0])}`);
    await dashboard.getByTestId('stat-published').waitFor({ timeout: 60_000 });
    await dashboard.locator('[data-testid=subscription][data-state=subscribed]').waitFor({ timeout: 60_000 });
    const published = { [channels[0]]: [], [channels[1]]: [] };
    let n = 0;
    const viaGateway = async () => {
      const c = channels[n % 2];
      published[c].push(await gateway.publish(c, 'tick', { n: n++ }));
    };
    for (let i = 0; i < 6; i++) await viaGateway();
    for (const page of Object.values(pages)) {
      await until('the first events', async () => (await receivedIds(page, channels[0])).length === 3, 30_000);
    }

    await gateway.kill();
    // While the gateway is down a worker goes on publishing into Redis (docs/redis.md).
    for (let i = 0; i < 6; i++) {
      const c = channels[n % 2];
      published[c].push(redis.publish(c, 'tick', { n: n++ }));
    }
    await dashboard.locator('[data-testid=stats][data-stale=true]').waitFor({ timeout: 60_000 });
    await dashboard.getByTestId('stats-state').filter({ hasText: 'unreachable' }).waitFor({ timeout: 60_000 });
    await dashboard.getByTestId('connection').filter({ hasText: 'unreachable' }).waitFor({ timeout: 60_000 });
    await dashboard.screenshot({ path: join(OUT, 'dashboard-unreachable.png'), fullPage: true });
    await gateway.launch();
    for (const page of Object.values(pages)) {
      await page.waitForFunction(() => window.rtStatus === 'open', null, { timeout: 30_000 });
    }
    for (let i = 0; i < 6; i++) await viaGateway();

    // A last event on each channel, published after all the others: once a page has it, anything
    // (a duplicate included) that came before it on that channel has arrived too. A barrier, not a pause.
    const last = {};
    for (const c of channels) last[c] = await gateway.publish(c, 'tick', { last: true });
    for (const [name, page] of Object.entries(pages)) {
      for (const c of channels) {
        await until(`${name}: all of ${c}`, async () => (await receivedIds(page, c)).includes(last[c]), 60_000);
        assert.deepEqual(await receivedIds(page, c), [...published[c], last[c]], `${name} ${c}`);
      }
      const states = await page.evaluate(() => window.states);
      assert.ok(states.includes('reconnecting'), `${name} noticed the restart: ${states}`);
    }
    await dashboard.locator('[data-testid=stats][data-stale=false]').waitFor({ timeout: 30_000 });
    await dashboard.locator('[data-testid=connection][data-state=open]').waitFor({ timeout: 30_000 });
    // The same barrier: the dashboard watches channels[0], whose last event came after all the others.
    await dashboard.locator(`[data-testid=recent-events] li[data-id="${last[channels[0]]}"]`).waitFor({ timeout: 60_000 });
    const shown = await dashboard.locator('[data-testid=recent-events] li').evaluateAll((lis) => lis.map((li) => li.dataset.id));
    assert.deepEqual(shown, [...published[channels[0]], last[channels[0]]].reverse(), 'the dashboard lost nothing either');
    await context.close();
  });

  it('two tabs share one connection, and the second carries on when the first closes', async () => {
    const context = await browser.newContext();
    await routeHarness(context);
    const channel = `job:e2e-${run}-tabs`;
    const a = await openHarness(context, { transport: 'websocket', channels: [channel], share: true });
    const b = await openHarness(context, { transport: 'websocket', channels: [channel], share: true });
    await until('one WebSocket subscriber for both tabs', async () => (await gateway.subscribers(channel)).websocket === 1);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await gateway.publish(channel, 'tick', { i }));
    for (const page of [a, b]) {
      await until('both tabs got them', async () => (await receivedIds(page, channel)).length === 3, 30_000);
    }
    assert.equal((await gateway.subscribers(channel)).websocket, 1, 'still one connection');
    await a.screenshot({ path: join(OUT, 'tabs-a.png') });

    await a.close({ runBeforeUnload: true });
    ids.push(await gateway.publish(channel, 'tick', { i: 3 }));
    await until('tab B leads with a connection of its own', async () => (await gateway.subscribers(channel)).websocket === 1
      && (await receivedIds(b, channel)).length === 4, 60_000);
    ids.push(await gateway.publish(channel, 'tick', { i: 4 }));
    await until('tab B got the rest', async () => (await receivedIds(b, channel)).length === 5, 30_000);
    assert.deepEqual(await receivedIds(b, channel), ids);
    await context.close();
  });

  it('the dashboard shows the gateway\'s stats and they change when events are published', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${gateway.base}/`);
    const published = page.getByTestId('stat-published');
    await published.waitFor({ timeout: 60_000 });
    await assert.doesNotReject(page.getByTestId('broker').filter({ hasText: 'redis' }).waitFor({ timeout: 30_000 }));
    const before = Number(await published.textContent());
    await until('the dashboard to hold its own WebSocket', async () => Number(await page.getByTestId('stat-websocket').textContent()) >= 1);

    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(await gateway.publish('system', 'system', { msg: `e2e ${run} #${i}` }));
    await until('published count to move', async () => Number(await published.textContent()) >= before + 20, 30_000);
    await page.locator(`[data-testid=recent-events] li[data-id="${ids[19]}"]`).waitFor({ timeout: 30_000 });

    // The publish form goes through the real API too.
    await page.locator('[data-testid=publish-form] textarea').fill(`{"msg":"from the form ${run}"}`);
    await page.locator('[data-testid=publish-form] button').click();
    await page.getByTestId('publish-result').filter({ hasText: 'Published' }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=recent-events] li').filter({ hasText: `from the form ${run}` }).waitFor({ timeout: 30_000 });
    await page.getByTestId('channels').locator('td', { hasText: 'system' }).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(OUT, 'dashboard.png'), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('the example components render what is published on their channels', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1100 } });
    const page = await context.newPage();
    const ids = { job: `e2e-${run}`, campaign: `e2e-${run}`, council: `e2e-${run}`, abtest: `e2e-${run}`, user: `e2e-${run}` };
    await page.goto(`${gateway.base}/?${new URLSearchParams(ids)}`);
    for (const id of ['render-progress', 'campaign-metrics', 'ab-test-results', 'council-evaluation', 'alert-toasts']) {
      await page.getByTestId(id).locator('[data-status=open]').waitFor({ timeout: 60_000 });
    }
    await gateway.publish(`abtest:${ids.abtest}`, 'ab_test_update', { variants: [
      { name: 'control', exposures: 5000, conversions: 250 }, { name: 'bold', exposures: 5000, conversions: 340 }] });

    await gateway.publish(`job:${ids.job}`, 'job_progress', { jobId: ids.job, stage: 'render', frame: 50, totalFrames: 100 });
    // Cumulative counters (what a worker sends) with the derived form beside them, so the component
    // reads the same figures whether or not the gateway derives them (DESIGN §10).
    const metrics = (impressions, clicks, spend, conversions, prev) => {
      const m = (value, before) => ({ value, delta: prev ? value - before : 0, direction: !prev || value === before ? 'flat' : value > before ? 'up' : 'down' });
      return { campaignId: ids.campaign, impressions, clicks, spend, conversions, metrics: {
        impressions: m(impressions, prev?.[0]), clicks: m(clicks, prev?.[1]), spend: m(spend, prev?.[2]), conversions: m(conversions, prev?.[3]),
      } };
    };
    await gateway.publish(`campaign:${ids.campaign}`, 'metrics_update', metrics(1000, 50, 10, 5));
    await gateway.publish(`campaign:${ids.campaign}`, 'metrics_update', metrics(2000, 120, 25, 9, [1000, 50, 10, 5]));
    const council = `council:${ids.council}`;
    await gateway.publish(council, 'ai_token', { model: 'claude', text: 'Strong hook, ' });
    await gateway.publish(council, 'ai_token', { model: 'gpt', text: 'Clear offer.' });
    await gateway.publish(council, 'ai_token', { model: 'claude', text: 'weak CTA.' });
    await gateway.publish(council, 'ai_model_done', { model: 'claude', score: 72, rationale: 'CTA could be bolder' });
    await gateway.publish(council, 'ai_model_done', { model: 'gpt', score: 80, rationale: 'Good fit' });
    await gateway.publish(council, 'ai_score', { score: 76, spread: 8, models: [{ model: 'claude', score: 72, weight: 0.5 }, { model: 'gpt', score: 80, weight: 0.5 }] });
    await gateway.publish(`alerts:${ids.user}`, 'alert', { id: `a-${run}`, severity: 'critical', title: 'Budget exhausted',
      message: 'Campaign spend reached its cap', action: { label: 'Raise budget', href: '/campaigns/demo' } });

    const render = page.getByTestId('render-progress');
    await render.getByTestId('job-frame').filter({ hasText: '50 / 100' }).waitFor({ timeout: 30_000 });
    assert.equal(await render.getByTestId('job-progress').textContent(), '50%');
    assert.equal(await render.getByTestId('job-stage').textContent(), 'render');

    const campaign = page.getByTestId('campaign-metrics');
    await campaign.locator('tr[data-metric=impressions][data-direction=up]').filter({ hasText: '2,000' }).waitFor({ timeout: 30_000 });
    await campaign.locator('tr[data-metric=clicks][data-direction=up]').filter({ hasText: '120' }).waitFor();

    const evaluation = page.getByTestId('council-evaluation');
    await evaluation.getByTestId('council-aggregate').filter({ hasText: '76' }).waitFor({ timeout: 30_000 });
    assert.match(await evaluation.locator('[data-model=claude]').textContent(), /Strong hook, weak CTA\..*72/);
    assert.match(await evaluation.locator('[data-model=gpt]').textContent(), /Clear offer\..*80/);

    const toasts = page.getByTestId('alert-toasts');
    await toasts.locator(`[data-alert="a-${run}"]`).filter({ hasText: 'Budget exhausted' }).waitFor({ timeout: 30_000 });
    assert.equal(await toasts.locator('a.rt-action').getAttribute('href'), '/campaigns/demo');

    await page.locator('[data-testid=ab-test-results][data-winner=bold]').waitFor({ timeout: 30_000 });
    for (const id of ['render-progress', 'campaign-metrics', 'ab-test-results', 'council-evaluation', 'alert-toasts']) {
      await page.getByTestId(id).screenshot({ path: join(OUT, `${id}.png`) });
    }
    await toasts.getByRole('button', { name: 'Dismiss' }).click();
    await toasts.locator(`[data-alert="a-${run}"]`).waitFor({ state: 'detached', timeout: 30_000 });
    await context.close();
  });

  it('the seed\'s hooks render live data from the seed routes, and the council starts from the hook', async () => {
    const context = await browser.newContext();
    await routeHarness(context);
    const id = `e2e-${run}-seed`;
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(harnessUrl(gateway, { page: 'seed', id, video: 'https://cdn.example/ad.mp4' }));
    await page.waitForFunction(() => window.seed.job?.connection === 'open', null, { timeout: 60_000 });

    await gateway.publish(`job:${id}`, 'job_progress', { jobId: id, stage: 'encode', frame: 30, totalFrames: 120 });
    await gateway.publish(`campaign:${id}`, 'metrics_update', { campaignId: id, impressions: 1000, clicks: 40, spend: 12, conversions: 3 });
    await gateway.publish(`campaign:${id}`, 'metrics_update', { campaignId: id, impressions: 2000, clicks: 90, spend: 20, conversions: 5 });
    await gateway.publish(`abtest:${id}`, 'ab_test_update', { variants: [
      { name: 'control', exposures: 5000, conversions: 250 }, { name: 'bold', exposures: 5000, conversions: 340 }] });
    const seed = await until('every seed hook to show its data', async () => {
      const s = await page.evaluate(() => window.seed);
      return s.job?.frame === 30 && s.campaign?.clicks === 90 && s.ab?.winner === 'bold' && s.live?.clicks === 90
        && s.council?.status === 'done' && s.raw?.includes('job_progress') ? s : null;
    });
    assert.equal(seed.job.progress, 0.25);
    assert.equal(seed.job.stage, 'encode');
    assert.equal(seed.job.status, 'processing');
    assert.equal(seed.campaign.direction, 'up');
    assert.match(seed.council.evaluationId, /^[A-Za-z0-9_.@-]+$/);
    assert.equal(seed.council.aggregate.score, 82);
    assert.equal(seed.council.models[0].text, 'Strong hook, clear offer.\nSCORE: 82');
    // A second viewer follows the evaluation by its id, from its first token.
    const replay = await (await fetch(`${gateway.base}/api/stream/council/${seed.council.evaluationId}`)).text();
    assert.match(replay, /ai_score/);
    assert.equal(await page.getByRole('progressbar', { name: `Render job ${id} progress` }).getAttribute('aria-valuenow'), '25');
    await page.screenshot({ path: join(OUT, 'seed-hooks.png'), fullPage: true });
    await context.close();
  });

  it('a browser publishes over the WebSocket, gets the ack, and a second page receives it', async () => {
    const channel = `job:e2e-${run}-pub`;
    const sender = await browser.newContext();
    const receiver = await browser.newContext();
    await routeHarness(sender);
    await routeHarness(receiver);
    const a = await openHarness(sender, { transport: 'websocket', channels: [`job:e2e-${run}-other`] });
    const b = await openHarness(receiver, { transport: 'websocket', channels: [channel] });
    assert.equal((await gateway.subscribers(channel)).websocket, 1, 'the receiver is subscribed');
    const ack = await a.evaluate((c) => window.rtPublish(c, 'note', { text: 'from a browser' }), channel);
    assert.match(ack.id, /^\d+-\d+$/);
    assert.equal(ack.duplicate, false);
    await until('the second page got it', async () => (await receivedIds(b, channel)).includes(ack.id));
    const again = await a.evaluate(([c, key]) => window.rtPublish(c, 'note', { text: 'again' }, { idempotencyKey: key }),
      [channel, ack.idempotencyKey]);
    assert.deepEqual([again.id, again.duplicate], [ack.id, true], 'the same key publishes once');
    await sender.close();
    await receiver.close();
  });

  it('the dashboard fits 1,280, 375 and 320 px, passes axe in both colour schemes, and its bundle is gzip\'d and cached', async () => {
    // Long, unbroken data: what used to push the page wider than the window.
    await gateway.publish('system', 'system', { msg: 'x'.repeat(400), nested: { list: Array.from({ length: 40 }, (_, i) => `item-${i}`) } });
    for (const scheme of ['dark', 'light']) {
      for (const width of [1280, 375, 320]) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
        const page = await context.newPage();
        await page.goto(`${gateway.base}/?channel=system&job=e2e-${run}`);
        await page.locator('[data-testid=recent-events] li').first().waitFor({ timeout: 60_000 });
        await page.getByTestId('stat-published').waitFor({ timeout: 60_000 });
        const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
        assert.ok(scrollWidth <= innerWidth, `${scheme} ${width}px: page ${scrollWidth}px wide`);
        await page.screenshot({ path: join(OUT, `dashboard-${scheme}-${width}.png`), fullPage: true });
        if (width === 1280 || width === 320) assert.deepEqual(await seriousViolations(page), [], `${scheme} ${width}px`);
        await context.close();
      }
      // Out of date: the history read answers, the live connection is refused, so the recent events
      // are shown marked stale (as while a page connects or reconnects). They must stay readable; the
      // faded look this once had failed the contrast check, on whichever run caught a page connecting.
      const context = await browser.newContext({ viewport: { width: 320, height: 900 }, colorScheme: scheme });
      await context.routeWebSocket(/\/ws$/, (ws) => ws.close());
      await context.route(/\/api\/stream/, (route) => route.abort());
      const page = await context.newPage();
      await page.goto(`${gateway.base}/?channel=system&job=e2e-${run}`);
      await page.locator('[data-testid=recent-events].stale li').first().waitFor({ timeout: 60_000 });
      assert.deepEqual(await seriousViolations(page), [], `${scheme} 320px, stale`);
      await context.close();
    }

    // A refused channel and a bad name are shown as such.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${gateway.base}/?channel=nosuchns:1`);
    await page.locator('[data-testid=subscription][data-state=refused]').filter({ hasText: 'unknown_namespace' }).waitFor({ timeout: 60_000 });
    await page.locator('input[name=watch]').fill('not a channel');
    await page.locator('[data-testid=watch-form] button').click();
    await page.getByTestId('watch-error').filter({ hasText: 'not a channel name' }).waitFor({ timeout: 30_000 });
    assert.equal(new URL(page.url()).searchParams.get('channel'), 'nosuchns:1', 'the URL keeps the last channel watched');
    await context.close();

    const html = await rawGet(`${gateway.base}/`);
    assert.equal(html.headers['cache-control'], 'no-cache');
    const script = /assets\/(dashboard-[0-9a-f]{12}\.js)/.exec(gunzipIf(html))[1];
    const bundle = await rawGet(`${gateway.base}/assets/${script}`);
    assert.equal(bundle.status, 200);
    assert.equal(bundle.headers['content-encoding'], 'gzip');
    assert.match(bundle.headers['cache-control'], /max-age=31536000/);
    const plain = gunzipSync(bundle.body);
    assert.ok(bundle.body.length < plain.length / 2, `gzip'd: ${bundle.body.length} of ${plain.length} bytes`);
    // SSE is never compressed: an event must go out when it is written.
    const stream = await fetch(`${gateway.base}/api/stream?channel=system`, { headers: { 'Accept-Encoding': 'gzip' } });
    assert.equal(stream.headers.get('content-encoding'), null);
    await stream.body.cancel();
  });
});

function gunzipIf(response) {
  return (response.headers['content-encoding'] === 'gzip' ? gunzipSync(response.body) : response.body).toString('utf8');
}
