// WebSocket subscriber over `ws`, compression off on every target (Liberty does not offer it and the
// comparison should not hinge on it).
import WebSocket from 'ws';

// subscribeFrame: sent on open, and `isReady(message)` then says which reply makes it live (the gateway);
// without one, the open handshake is the subscription (Nchan). splitFrame: the messages of one frame,
// for a server that puts several in one (the gateway); by default a frame is one message.
export class WsSubscriber {
  constructor({ url, subscribeFrame = null, isReady = null, splitFrame = null, onMessage, onCut, localAddress }) {
    this.url = url;
    this.subscribeFrame = subscribeFrame;
    this.splitFrame = splitFrame;
    this.isReady = isReady;
    this.onMessage = onMessage;
    this.onCut = onCut;
    this.localAddress = localAddress;
    this.closing = false;
    this.socket = null;
  }

  connect() {
    return new Promise((resolve, reject) => {
      let ready = false;
      const settle = (error) => {
        if (ready) return;
        ready = true;
        if (error) reject(error);
        else resolve();
      };
      const socket = new WebSocket(this.url, { perMessageDeflate: false, localAddress: this.localAddress });
      this.socket = socket;
      socket.on('open', () => {
        if (this.subscribeFrame) socket.send(this.subscribeFrame);
        else settle();
      });
      socket.on('message', (data, isBinary) => {
        const text = isBinary ? data.toString('utf8') : data.toString();
        for (const message of this.splitFrame ? this.splitFrame(text) : [text]) {
          if (!ready && this.isReady) {
            // Events may share the reply's frame: only what comes before the reply is skipped.
            const verdict = this.isReady(message);
            if (verdict === true) settle();
            else if (verdict) settle(new Error(verdict));
            continue;
          }
          this.onMessage(message);
        }
      });
      socket.on('close', (code, reason) => {
        if (this.closing) return;
        const why = `close ${code}${reason && reason.length ? ` ${reason.toString()}` : ''}`;
        if (!ready) settle(new Error(why));
        else {
          this.closing = true;
          this.onCut(why);
        }
      });
      socket.on('error', (err) => {
        if (!ready) settle(new Error(`connect: ${err.code ?? err.message}`));
      });
    });
  }

  close() {
    this.closing = true;
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) this.socket.terminate();
  }
}
