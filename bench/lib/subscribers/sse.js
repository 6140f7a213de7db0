// SSE subscriber over node:http: one GET held open, its body fed to SseParser.
import http from 'node:http';
import { SseParser } from '../sse-parser.js';

// ready: 'headers' (the server subscribes before answering: Nchan) or an event name the server sends
// once the subscription is live (the gateway's `position`).
export class SseSubscriber {
  constructor({ url, readyOn = 'headers', onEvent, onCut, localAddress }) {
    this.url = url;
    this.readyOn = readyOn;
    this.onEvent = onEvent;
    this.onCut = onCut;
    this.localAddress = localAddress;
    this.closing = false;
    this.request = null;
  }

  connect() {
    return new Promise((resolve, reject) => {
      let ready = false;
      const becomeReady = () => {
        if (!ready) {
          ready = true;
          resolve();
        }
      };
      const fail = (reason) => {
        if (this.closing) return;
        if (!ready) {
          ready = true; // settle once
          reject(new Error(reason));
        } else {
          this.closing = true;
          this.onCut(reason);
        }
      };
      const parser = new SseParser({
        onEvent: (event) => {
          if (!ready && event.event === this.readyOn) becomeReady();
          else this.onEvent(event);
        },
      });
      this.request = http.get(this.url, {
        agent: false,
        localAddress: this.localAddress,
        headers: { Accept: 'text/event-stream', 'Cache-Control': 'no-cache' },
      });
      this.request.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          fail(`HTTP ${res.statusCode}`);
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk) => parser.push(chunk));
        res.on('end', () => fail('stream ended'));
        res.on('error', (err) => fail(`stream error: ${err.code ?? err.message}`));
        res.on('close', () => fail('stream closed'));
        if (this.readyOn === 'headers') becomeReady();
      });
      this.request.on('error', (err) => fail(`connect: ${err.code ?? err.message}`));
    });
  }

  close() {
    this.closing = true;
    this.request?.destroy();
  }
}
