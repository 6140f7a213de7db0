// The client, its React hooks and the dashboard in headless Chromium against real gateways: the
// runnable JAR in Redis mode (with a redis-server of this test's own, so history outlives a gateway
// restart). Screenshots go to target/e2e/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { Gateway, OUT, Redis, harnessUrl, launchBrowser, receivedIds, routeHarness, until } from './support.mjs';

const run = Math.random().toString(36).slice(2, 8);
let redis;
let gateway;
let browser;

before(async () => {
  redis = await Redis.start();
  gateway = await Gateway.start({ REDIS_URL: redis.url });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await gateway?.kill();
  redis?.stop();
});

async function openHarness(context, options) {
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(harnessUrl(gateway, options));
  await page.waitForFunction(() => window.rtStatus === 'open', null, { timeout: 60_000 });
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

  it('survives a gateway restarted mid-stream: nothing lost, nothing twice, in order', async () => {
    const context = await browser.newContext();
    await routeHarness(context);
    const channels = [`job:e2e-${run}-r1`, `job:e2e-${run}-r2`];
    const pages = {
      sse: await openHarness(context, { transport: 'sse', channels }),
      websocket: await openHarness(context, { transport: 'websocket', channels }),
    };
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
    await assert.doesNotReject(page.getByTestId('broker').filter({ hasText: 'redis' }).waitFor({ timeout: 5000 }));
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
    const ids = { job: `e2e-${run}`, campaign: `e2e-${run}`, council: `e2e-${run}`, user: `e2e-${run}` };
    await page.goto(`${gateway.base}/?${new URLSearchParams(ids)}`);
    for (const id of ['render-progress', 'campaign-metrics', 'council-evaluation', 'alert-toasts']) {
      await page.getByTestId(id).locator('[data-status=open]').waitFor({ timeout: 60_000 });
    }

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

    for (const id of ['render-progress', 'campaign-metrics', 'council-evaluation', 'alert-toasts']) {
      await page.getByTestId(id).screenshot({ path: join(OUT, `${id}.png`) });
    }
    await toasts.getByRole('button', { name: 'Dismiss' }).click();
    await toasts.locator(`[data-alert="a-${run}"]`).waitFor({ state: 'detached', timeout: 5000 });
    await context.close();
  });
});
