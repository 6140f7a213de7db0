package io.realtime.gateway.websocket;

/**
 * One message for a WebSocket client: a channel event (shared by every connection it goes to), a
 * reply of the protocol, or a protocol-level ping.
 */
record WsFrame(String text, Kind kind) {

    enum Kind { EVENT, REPLY, PING }

    static final WsFrame PING = new WsFrame("", Kind.PING);

    static WsFrame event(String text) {
        return new WsFrame(text, Kind.EVENT);
    }

    static WsFrame reply(String text) {
        return new WsFrame(text, Kind.REPLY);
    }
}
