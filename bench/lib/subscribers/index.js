// One place that knows each target's wire form: which client to open for a subscriber spec and how to
// find `{ seq, t }` in what arrives. A spec is plain data so it can cross into a worker thread.
//   spec: { kind, url, channel, localAddress? }
//   kind: gateway-sse | gateway-ws | nchan-sse | nchan-ws | socketio-ws
import { SseSubscriber } from './sse.js';
import { WsSubscriber } from './ws.js';
import { SocketIoSubscriber } from './socketio.js';

export function createSubscriber(spec, { onDelivery, onCut }) {
  const { kind, url, channel, localAddress } = spec;
  switch (kind) {
    case 'gateway-sse':
      return new SseSubscriber({
        url,
        localAddress,
        readyOn: 'position', // sent once every channel of the stream is live
        onCut,
        onEvent: (event) => {
          // position / reset / shutdown are control events, not deliveries
          if (event.event !== 'bench') return;
          const envelope = JSON.parse(event.data);
          onDelivery(envelope.channel, envelope.data);
        },
      });
    case 'gateway-ws':
      // A frame may carry several messages, one per line, when several waited for the client
      // (DESIGN §6): every part is a message of its own.
      return new WsSubscriber({
        url,
        localAddress,
        subscribeFrame: JSON.stringify({ op: 'subscribe', channel, ref: '1' }),
        splitFrame: (text) => text.split('\n'),
        isReady: (text) => {
          const message = JSON.parse(text);
          if (message.op === 'subscribed') return true;
          if (message.op === 'error') return `subscribe refused: ${message.code}`;
          return false;
        },
        onCut,
        onMessage: (text) => {
          const message = JSON.parse(text);
          if (message.op === 'event') onDelivery(message.channel, message.data);
        },
      });
    case 'nchan-sse':
      return new SseSubscriber({
        url,
        localAddress,
        readyOn: 'headers', // Nchan has the subscriber on the channel before it answers
        onCut,
        onEvent: (event) => onDelivery(channel, JSON.parse(event.data)),
      });
    case 'nchan-ws':
      return new WsSubscriber({
        url,
        localAddress,
        onCut,
        onMessage: (text) => onDelivery(channel, JSON.parse(text)),
      });
    case 'socketio-ws':
      return new SocketIoSubscriber({ url, channel, localAddress, onCut, onDelivery });
    default:
      throw new Error(`unknown subscriber kind ${kind}`);
  }
}
