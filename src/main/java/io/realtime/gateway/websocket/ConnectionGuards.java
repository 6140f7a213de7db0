package io.realtime.gateway.websocket;

import io.realtime.gateway.presence.Presence;
import io.realtime.gateway.security.Authenticator;
import io.realtime.gateway.security.Permissions;
import io.realtime.gateway.security.PublishRate;
import io.realtime.gateway.transport.Rejections;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What checks a WebSocket connection's ops (DESIGN §7): its tokens, its rights on channels, its
 * publish rate; refusals are counted; {@code scheduler} ends it when its token does; {@code presence}
 * checks the client info a subscribe carries and answers the presence ops (DESIGN §11).
 */
record ConnectionGuards(Authenticator authenticator, Permissions permissions, PublishRate publishRate,
                        Rejections rejections, ScheduledExecutorService scheduler, Presence presence) {
}
