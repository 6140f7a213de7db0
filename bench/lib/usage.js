// Server and client cost over a measured window: CPU seconds from /proc (server tree) and from
// process.cpuUsage (this process, which counts its worker threads too), plus peak RSS of the server tree.
import { treeUsage, machineCpuSeconds } from './proc-stats.js';
import { nowMs } from './clock.js';

export class UsageWindow {
  constructor(serverPids) {
    this.serverPids = serverPids;
    this.peakRssKb = 0;
  }

  begin() {
    const server = treeUsage(this.serverPids);
    this.startedAt = nowMs();
    this.serverCpu0 = server.cpuSeconds;
    this.rssBeforeKb = server.rssKb;
    this.peakRssKb = server.rssKb;
    this.clientCpu0 = process.cpuUsage();
    this.machine0 = machineCpuSeconds();
  }

  // Called on every progress tick; RSS is a peak, CPU is only read at the ends.
  sample() {
    const { rssKb } = treeUsage(this.serverPids);
    if (rssKb > this.peakRssKb) this.peakRssKb = rssKb;
  }

  end() {
    const server = treeUsage(this.serverPids);
    const seconds = (nowMs() - this.startedAt) / 1000;
    const client = process.cpuUsage(this.clientCpu0);
    const serverCpuSeconds = server.cpuSeconds - this.serverCpu0;
    const clientCpuSeconds = (client.user + client.system) / 1e6;
    const machine = machineCpuSeconds();
    const machineBusy = machine.busy - this.machine0.busy;
    return {
      windowSeconds: round(seconds, 2),
      serverCpuSeconds: round(serverCpuSeconds, 2),
      serverCpuPercent: round((100 * serverCpuSeconds) / seconds, 1),
      clientCpuSeconds: round(clientCpuSeconds, 2),
      clientCpuPercent: round((100 * clientCpuSeconds) / seconds, 1),
      machineBusyCpuSeconds: round(machineBusy, 2),
      // CPU that was neither server nor client: other work on the machine; a large figure flags a noisy run
      otherCpuSeconds: round(Math.max(0, machineBusy - serverCpuSeconds - clientCpuSeconds), 2),
      softirqSeconds: round(machine.softirq - this.machine0.softirq, 2), // loopback networking, mostly
      stealSeconds: round(machine.steal - this.machine0.steal, 2),
      serverRssKb: server.rssKb,
      serverPeakRssKb: Math.max(this.peakRssKb, server.rssKb),
      serverRssBeforeKb: this.rssBeforeKb,
    };
  }
}

export const round = (value, digits = 1) => (value === null || value === undefined ? value : Number(value.toFixed(digits)));
