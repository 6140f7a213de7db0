// Socket.IO 4 subscriber: WebSocket transport only (Socket.IO has no SSE, and long-polling first would
// measure an upgrade dance rather than delivery). A room per channel, joined through an acked emit.
import { io } from 'socket.io-client';

export class SocketIoSubscriber {
  constructor({ url, channel, onDelivery, onCut, localAddress }) {
    this.url = url;
    this.channel = channel;
    this.onDelivery = onDelivery;
    this.onCut = onCut;
    this.localAddress = localAddress;
    this.closing = false;
    this.socket = null;
  }

  connect() {
    return new Promise((resolve, reject) => {
      let ready = false;
      const socket = io(this.url, {
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        timeout: 30000,
        localAddress: this.localAddress,
      });
      this.socket = socket;
      socket.on('event', (channel, payload) => this.onDelivery(channel, payload));
      socket.on('connect', () => {
        socket.timeout(30000).emit('subscribe', this.channel, (err) => {
          if (ready) return;
          ready = true;
          if (err) reject(new Error('subscribe not acknowledged'));
          else resolve();
        });
      });
      socket.on('connect_error', (err) => {
        if (!ready) {
          ready = true;
          reject(new Error(`connect: ${err.message}`));
        }
      });
      socket.on('disconnect', (reason) => {
        if (this.closing) return;
        this.closing = true;
        if (!ready) {
          ready = true;
          reject(new Error(`disconnect: ${reason}`));
        } else this.onCut(`disconnect: ${reason}`);
      });
    });
  }

  close() {
    this.closing = true;
    this.socket?.disconnect();
  }
}
