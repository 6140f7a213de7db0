package io.realtime.gateway.broker.redis;

import io.realtime.gateway.redis.Backoff;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * One dedicated subscriber connection to one Redis node, and the long-running loop that reads it:
 * connect, (S)SUBSCRIBE every channel the {@link Listener} assigns to this node, then hand each
 * message and confirmation to the listener, on this loop's thread, in the order Redis sent them.
 * When the connection is lost it reconnects by itself with capped, jittered back-off and subscribes
 * again (Jedis does not), marking those confirmations as re-subscriptions so the listener can catch
 * up from the stream.
 *
 * <p>Writes (SUBSCRIBE, UNSUBSCRIBE, PING) come from other threads under {@link #writeLock};
 * requests queued while another thread writes go out together in one command (batching). The reply
 * to each command is matched to it through {@link #inFlight}: Redis answers in order.
 *
 * <p>Liveness: a subscribed connection has no socket timeout in Jedis (jedis#2206), so a dead peer
 * would block the read forever. {@link #ping()} is called periodically from another thread; when no
 * reply at all came for {@code deadAfter}, it force-closes the socket, which ends the blocked read.
 */
final class SubscriberLink implements Runnable {

    /** What the link reports to, always on the link's own thread except {@link #channelsFor}. */
    interface Listener {
        /** Every channel this link should hold now (called when (re)connecting). */
        List<ChannelState> channelsFor(SubscriberLink link);

        /** Redis confirmed a subscription; {@code resubscribed} after a reconnect or hand-over. */
        void onSubscribed(ChannelState state, boolean resubscribed);

        /** Redis refused a subscription (e.g. MOVED: the slot lives elsewhere now). */
        void onSubscribeRefused(List<ChannelState> states, JedisDataException error);

        /** Redis dropped a subscription by itself (sharded pub/sub: its slot moved). */
        void onDropped(String pubsubKey);

        void onMessage(String pubsubKey, String payload);

        void onUp(SubscriberLink link, boolean reconnected);

        void onDown(SubscriberLink link, Exception cause);
    }

    private enum Kind { SUBSCRIBE, UNSUBSCRIBE, PING }

    /** A command sent, waiting for its replies (one per channel for (UN)SUBSCRIBE). */
    private static final class InFlight {
        final Kind kind;
        final List<ChannelState> states;
        final boolean resubscribe;
        int remaining;

        InFlight(Kind kind, List<ChannelState> states, int replies, boolean resubscribe) {
            this.kind = kind;
            this.states = states;
            this.remaining = replies;
            this.resubscribe = resubscribe;
        }
    }

    private record Op(Kind kind, ChannelState state, boolean resubscribe) {
    }

    private static final Logger LOG = Logger.getLogger(SubscriberLink.class.getName());

    private final HostAndPort node;
    private final RedisConnector connector;
    private final Listener listener;
    private final boolean sharded;
    private final long deadAfterMs;
    private final Backoff backoff;
    private final Object writeLock = new Object();
    private final Queue<Op> requested = new ConcurrentLinkedQueue<>();
    private final Queue<InFlight> inFlight = new ConcurrentLinkedQueue<>();
    private final CountDownLatch exited = new CountDownLatch(1);
    /** Guards {@link #woken}; the back-off waits on it. */
    private final Object pause = new Object();
    private boolean woken;
    /** Guarded by writeLock; null while down. */
    private LinkConnection connection;
    private volatile boolean up;
    private volatile long lastReplyAtMs;
    private volatile boolean stopping;
    /** Set while the listener handles a reply (a catch-up reads Redis): replies wait, unread, meanwhile. */
    private volatile boolean handling;

    SubscriberLink(HostAndPort node, RedisConnector connector, Listener listener, RedisSettings settings) {
        this.node = node;
        this.connector = connector;
        this.listener = listener;
        this.sharded = settings.cluster();
        this.deadAfterMs = settings.deadAfter().toMillis();
        this.backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax());
    }

    HostAndPort node() {
        return node;
    }

    /** Connected and heard from within the dead-after window. */
    boolean alive() {
        return up && (handling || System.currentTimeMillis() - lastReplyAtMs <= deadAfterMs);
    }

    @Override
    public void run() {
        boolean everUp = false;
        try {
            while (!stopping) {
                LinkConnection conn = null;
                try {
                    conn = connector.openLink(node);
                    // Our own liveness check replaces the socket timeout; the timeout stays as a
                    // backstop in case the pinging thread itself is starved.
                    conn.setSoTimeout((int) Math.min(Integer.MAX_VALUE, 2 * deadAfterMs));
                    connected(conn);
                    backoff.reset();
                    listener.onUp(this, everUp);
                    everUp = true;
                    readLoop(conn);
                } catch (RuntimeException e) {
                    disconnected(conn);
                    if (stopping) {
                        break;
                    }
                    reportDown(e);
                    long delay = backoff.nextDelayMs();
                    LOG.log(Level.FINE, "Redis subscriber link to {0} down, retrying in {1} ms: {2}",
                            new Object[] {node, delay, e.toString()});
                    pause(delay);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            up = false;
            exited.countDown();
            if (!stopping) {
                LOG.log(Level.SEVERE, "Redis subscriber link to {0} ended unexpectedly", node);
            }
        }
    }

    /** Tells the listener; whatever it throws must not end the loop that reconnects. */
    private void reportDown(RuntimeException cause) {
        try {
            listener.onDown(this, cause);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Redis subscriber link to " + node + ": handling the loss failed", e);
        }
    }

    private void connected(LinkConnection conn) {
        synchronized (writeLock) {
            if (stopping) {
                conn.close();
                throw new IllegalStateException("stopping");
            }
            connection = conn;
            requested.clear();
            inFlight.clear();
            lastReplyAtMs = System.currentTimeMillis();
            up = true;
            // Everything this node should carry, in one go: what was requested while the link was
            // down is in this set, what was released is not.
            List<ChannelState> all = listener.channelsFor(this);
            List<Op> ops = new ArrayList<>(all.size());
            for (ChannelState s : all) {
                ops.add(new Op(Kind.SUBSCRIBE, s, true));
            }
            send(ops);
        }
    }

    private void disconnected(LinkConnection conn) {
        synchronized (writeLock) {
            up = false;
            if (conn != null) {
                closeQuietly(conn);
            }
            connection = null;
            inFlight.clear();
        }
    }

    private void readLoop(LinkConnection conn) {
        while (!stopping) {
            Object reply;
            try {
                reply = conn.getUnflushedObject();
            } catch (JedisDataException e) {
                lastReplyAtMs = System.currentTimeMillis();
                refused(e);
                continue;
            }
            lastReplyAtMs = System.currentTimeMillis();
            if (!(reply instanceof List<?> parts) || parts.isEmpty()) {
                // With no subscription left the connection is back in normal mode: PING gets +PONG.
                if ("PONG".equals(StreamEvents.text(reply))) {
                    confirmed(Kind.PING, null);
                }
                continue;
            }
            handling = true;
            try {
                dispatch(parts);
            } finally {
                handling = false;
                lastReplyAtMs = System.currentTimeMillis();
            }
        }
    }

    private void dispatch(List<?> parts) {
        String kind = StreamEvents.text(parts.get(0));
        switch (kind) {
            case "message", "smessage" ->
                    listener.onMessage(StreamEvents.text(parts.get(1)), StreamEvents.text(parts.get(2)));
            case "subscribe", "ssubscribe" -> confirmed(Kind.SUBSCRIBE, StreamEvents.text(parts.get(1)));
            case "unsubscribe", "sunsubscribe" -> {
                String key = StreamEvents.text(parts.get(1));
                if (!confirmed(Kind.UNSUBSCRIBE, key)) {
                    listener.onDropped(key);
                }
            }
            case "pong" -> confirmed(Kind.PING, null);
            default -> LOG.log(Level.FINE, "Ignoring unexpected subscriber reply {0}", kind);
        }
    }

    /** Matches a confirmation to the command it answers; false if none was waiting for it. */
    private boolean confirmed(Kind kind, String key) {
        InFlight head = inFlight.peek();
        if (head == null || head.kind != kind) {
            return false;
        }
        if (kind == Kind.SUBSCRIBE) {
            ChannelState state = head.states.get(head.states.size() - head.remaining);
            if (!state.pubsubKey.equals(key)) {
                LOG.log(Level.WARNING, "Subscriber link to {0}: confirmation for {1}, expected {2}",
                        new Object[] {node, key, state.pubsubKey});
            }
            finishOne(head);
            listener.onSubscribed(state, head.resubscribe);
        } else {
            finishOne(head);
        }
        return true;
    }

    private void finishOne(InFlight head) {
        if (--head.remaining <= 0) {
            inFlight.poll();
        }
    }

    /** An error reply answers a whole command. */
    private void refused(JedisDataException e) {
        InFlight head = inFlight.poll();
        if (head != null && head.kind == Kind.SUBSCRIBE) {
            int done = head.states.size() - head.remaining;
            listener.onSubscribeRefused(List.copyOf(head.states.subList(done, head.states.size())), e);
        } else {
            LOG.log(Level.WARNING, "Subscriber link to {0}: Redis error {1}", new Object[] {node, e.getMessage()});
        }
    }

    /** Asks for a subscription; it goes out now if the link is up, else when it reconnects. */
    void subscribe(ChannelState state, boolean resubscribe) {
        request(new Op(Kind.SUBSCRIBE, state, resubscribe));
    }

    void unsubscribe(ChannelState state) {
        request(new Op(Kind.UNSUBSCRIBE, state, false));
    }

    /**
     * Queues an op while the link is up. While it is down nothing is queued: the reconnect
     * subscribes what {@link Listener#channelsFor} says then (callers change that set before they
     * call here, and the reconnect reads it after it sets {@code up}), so subscribe and unsubscribe
     * churn during an outage cannot pile up ops without bound.
     */
    private void request(Op op) {
        if (!up) {
            return;
        }
        requested.add(op);
        drain();
    }

    /**
     * Sends a PING, or drops the connection if nothing was heard within the dead-after window.
     * Called periodically from another thread.
     */
    void ping() {
        synchronized (writeLock) {
            if (connection == null) {
                return;
            }
            if (!handling && System.currentTimeMillis() - lastReplyAtMs > deadAfterMs) {
                LOG.log(Level.WARNING, "Redis subscriber link to {0} silent for more than {1} ms: reconnecting",
                        new Object[] {node, deadAfterMs});
                up = false;
                forceClose(connection);
                return;
            }
            try {
                connection.sendCommand(Protocol.Command.PING);
                inFlight.add(new InFlight(Kind.PING, List.of(), 1, false));
                connection.flushNow();
            } catch (RuntimeException e) {
                forceClose(connection);
            }
        }
    }

    private void drain() {
        synchronized (writeLock) {
            if (connection == null) {
                return; // the reconnect subscribes everything this node should carry
            }
            List<Op> ops = new ArrayList<>();
            for (Op op; (op = requested.poll()) != null; ) {
                ops.add(op);
            }
            if (!ops.isEmpty()) {
                send(ops);
            }
        }
    }

    /**
     * Writes ops as few commands as order allows: consecutive ops of one kind share a command
     * (in sharded mode, also one slot: SSUBSCRIBE refuses channels of several slots).
     */
    private void send(List<Op> ops) {
        LinkConnection conn = connection;
        try {
            int i = 0;
            while (i < ops.size()) {
                Op first = ops.get(i);
                List<ChannelState> run = new ArrayList<>();
                int j = i;
                while (j < ops.size()) {
                    Op op = ops.get(j);
                    if (op.kind != first.kind || op.resubscribe != first.resubscribe
                            || (sharded && op.state.slot != first.state.slot)) {
                        break;
                    }
                    run.add(op.state);
                    j++;
                }
                Kind kind = first.kind;
                boolean resub = first.resubscribe;
                String[] keys = run.stream().map(s -> s.pubsubKey).toArray(String[]::new);
                Protocol.Command command = kind == Kind.SUBSCRIBE
                        ? (sharded ? Protocol.Command.SSUBSCRIBE : Protocol.Command.SUBSCRIBE)
                        : (sharded ? Protocol.Command.SUNSUBSCRIBE : Protocol.Command.UNSUBSCRIBE);
                conn.sendCommand(command, keys);
                inFlight.add(new InFlight(kind, run, run.size(), resub));
                i = j;
            }
            conn.flushNow();
        } catch (RuntimeException e) {
            // The read loop sees the broken connection and reconnects, subscribing everything again.
            LOG.log(Level.FINE, "Subscriber link write failed", e);
            forceClose(conn);
        }
    }

    /** Ends the loop and the connection; waits for the loop's thread to finish. */
    boolean stop(long waitMs) throws InterruptedException {
        stopping = true;
        wake();
        synchronized (writeLock) {
            if (connection != null) {
                forceClose(connection);
            }
        }
        return exited.await(waitMs, TimeUnit.MILLISECONDS);
    }

    /** Ends the loop without waiting (from the loop's own thread: a link no channel needs any more). */
    void retire() {
        stopping = true;
        wake();
    }

    /**
     * Cuts a back-off wait short: Redis answers again (the liveness check saw it), so there is no
     * reason to wait out a delay of up to the cap. Each instance's check runs on its own schedule,
     * which keeps instances from all reconnecting in the same instant.
     */
    void wake() {
        synchronized (pause) {
            woken = true;
            pause.notifyAll();
        }
    }

    private void pause(long ms) throws InterruptedException {
        long deadline = System.currentTimeMillis() + ms;
        synchronized (pause) {
            long left = ms;
            while (!woken && !stopping && left > 0) {
                pause.wait(left);
                left = deadline - System.currentTimeMillis();
            }
            woken = false;
        }
    }

    private static void forceClose(LinkConnection conn) {
        try {
            conn.forceDisconnect();
        } catch (Exception e) {
            LOG.log(Level.FINEST, "closing a broken link", e);
        }
    }

    private static void closeQuietly(LinkConnection conn) {
        try {
            conn.forceDisconnect();
            conn.close();
        } catch (Exception e) {
            LOG.log(Level.FINEST, "closing a broken link", e);
        }
    }

    @Override
    public String toString() {
        return "link to " + node;
    }
}
