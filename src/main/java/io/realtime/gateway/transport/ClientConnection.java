package io.realtime.gateway.transport;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.channel.SlowSubscriberException;
import io.realtime.gateway.channel.SubscribeOutcome;
import io.realtime.gateway.channel.Subscriber;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.EventId;
import io.realtime.gateway.metrics.DropReason;
import io.realtime.gateway.metrics.GatewayMeters;
import io.realtime.gateway.security.Caller;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every client connection does whatever its transport: it subscribes through the channel
 * core, queues frames on its bounded {@link OutboundQueue} (drained on the delivery threads), counts
 * what it delivers and drops, and closes once, leaving nothing behind in the core or the registry.
 * A transport supplies its frames, how it writes them and how its connection ends.
 *
 * @param <F> the transport's frame type
 */
public abstract class ClientConnection<F> implements Subscriber, GatewayConnection {

    /** Why a connection ends: each transport says it its own way (a close code, the end of the stream). */
    public enum CloseCause {
        /** It read too slowly: more than the queue's bound was waiting. */
        SLOW,
        /** A write failed: the peer is gone. */
        WRITE_FAILED,
        /**
         * A write failed with an I/O error: the connection itself is broken, and the container closes it
         * when its read side sees that (a transport need not, and for a WebSocket must not, close it too).
         */
        BROKEN,
        /** The client ended it, or was found gone. */
        CLIENT,
        /** It stopped answering pings. */
        TIMEOUT,
        /** Its subscription could not be made. */
        SUBSCRIBE_FAILED,
        /** A message over the size limit. */
        TOO_BIG,
        /** The server is stopping. */
        SHUTDOWN,
        /** What the stream was about is over (a finished job): nothing more will come. */
        FINISHED,
        /** Its token expired or was revoked, or a token it sent was refused. */
        UNAUTHORIZED,
        /** A token it sent made it one connection too many for its user (try again later). */
        LIMIT
    }

    private final ChannelManager core;
    private final ConnectionRegistry registry;
    private final GatewayMeters meters;
    private final OutboundQueue<F> queue;
    /** Where a close that must not run on the calling thread goes: the writers (inline once they refuse). */
    private final Executor closer;
    private final long replayTimeoutMs;
    private final Set<String> channels = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Why it closed, once it did: the reason events refused afterwards are counted under. */
    private volatile CloseCause closeCause;
    private final String address;
    private final long openedAtMs = System.currentTimeMillis();
    /** Its presence member id (DESIGN §11): random, so unique across instances without coordination. */
    private final String id = java.util.UUID.randomUUID().toString();
    private volatile Caller caller;
    /** The end of the caller's token, when it has one; replaced when a fresh token comes. */
    private ScheduledFuture<?> expiry;

    protected ClientConnection(ConnectionContext context, Caller caller, String address) {
        this.caller = caller;
        this.address = address;
        this.core = context.core();
        this.registry = context.registry();
        this.meters = context.meters();
        DeliverySettings settings = context.settings();
        Executor writers = context.writers();
        this.replayTimeoutMs = settings.replayTimeoutMs();
        this.closer = task -> {
            try {
                writers.execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                task.run(); // the server is stopping; the core defers an unsubscribe made under its lock
            }
        };
        this.queue = new OutboundQueue<>(settings.queueSize(), settings.maxBatch(),
                this::write, writers,
                () -> close(CloseCause.SLOW, "more than " + settings.queueSize() + " frames waiting"),
                // Handed off: a failed write is reported on the container's I/O thread (a WebSocket's
                // write callback), and closing there sent the close frame with a synchronous write on
                // that thread, which waited for itself: the thread never came back (a Liberty executor
                // thread lost per client gone mid-write, and a stop held for the whole 30 s quiesce).
                error -> closer.execute(() -> close(brokenBy(error) ? CloseCause.BROKEN : CloseCause.WRITE_FAILED,
                        String.valueOf(error))));
    }

    /**
     * Registers the connection: {@link ShuttingDownException} once the server stops,
     * {@link io.realtime.gateway.event.LimitException} past the connections allowed per address or user.
     */
    protected final void register() {
        registry.add(this);
    }

    @Override
    public final Caller caller() {
        return caller;
    }

    @Override
    public final long openedAtMs() {
        return openedAtMs;
    }

    @Override
    public final String address() {
        return address;
    }

    /**
     * Acts for another caller from now on (a token sent on the live connection), counted under its
     * user, and ends when its token does.
     *
     * @throws io.realtime.gateway.event.LimitException past the connections allowed per user
     */
    public final synchronized void authorize(Caller next, ScheduledExecutorService scheduler) {
        registry.rebind(this, caller, next);
        caller = next;
        endAtExpiry(scheduler);
    }

    /** Schedules the end of the connection at its token's expiry, unless a fresh token comes first. */
    public final synchronized void endAtExpiry(ScheduledExecutorService scheduler) {
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        long at = caller.expiresAtMs();
        if (at > 0 && !closed.get()) {
            Caller expiring = caller;
            expiry = scheduler.schedule(() -> {
                if (caller == expiring) {
                    closeForAccess("token expired");
                }
            }, Math.max(0, at - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        }
    }

    /** Ends the connection for its token; a transport that can say why first (SSE) overrides it. */
    @Override
    public void closeForAccess(String detail) {
        close(CloseCause.UNAUTHORIZED, detail);
    }

    /**
     * Subscribes through the core. A close that races it (overflow, write failure, the client
     * leaving) never leaves the subscription behind: whichever comes second undoes it.
     */
    public final SubscribeOutcome subscribe(ChannelName channel, EventId since) {
        return subscribe(channel, since, null);
    }

    /** As {@link #subscribe(ChannelName, EventId)}, with the client's presence info (compact JSON) or null. */
    public final SubscribeOutcome subscribe(ChannelName channel, EventId since, String presenceInfo) {
        channels.add(channel.value());
        SubscribeOutcome outcome;
        try {
            outcome = core.subscribe(this, channel, since, presenceInfo);
        } catch (SlowSubscriberException e) {
            channels.remove(channel.value());
            close(CloseCause.SLOW, e.getMessage());
            throw e;
        } catch (RuntimeException e) {
            channels.remove(channel.value());
            throw e;
        }
        if (closed.get()) {
            core.unsubscribe(this, channel.value());
        }
        return outcome;
    }

    /** Who it is as a presence member: read at each join, so a token sent later names its user. */
    @Override
    public final Identity identity() {
        return new Identity(id, caller.subject(), transport().label());
    }

    /** A resume waits while this connection's queue is full; one that never drains is cut off. */
    @Override
    public final boolean awaitReplayRoom() {
        try {
            if (queue.awaitRoom(replayTimeoutMs)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (!closed.get() && !queue.isFailed() && !queue.isClosing()) {
            close(CloseCause.SLOW, "no room for its replay within " + replayTimeoutMs + " ms");
        }
        return false;
    }

    /** @return false if this connection did not hold the channel */
    public final boolean unsubscribe(String channel) {
        return channels.remove(channel) && core.unsubscribe(this, channel);
    }

    public final boolean holds(String channel) {
        return channels.contains(channel);
    }

    /** The channels held now: what a fresh token's rights are checked against. */
    public final java.util.List<String> heldChannels() {
        return java.util.List.copyOf(channels);
    }

    public final int subscriptionCount() {
        return channels.size();
    }

    /** Queues a frame; a refused one (cut off, or closing) counts as dropped when it is an event. */
    protected final boolean send(F frame, boolean replayed, boolean isEvent) {
        boolean queued = replayed ? queue.offerReplay(frame) : queue.offer(frame);
        if (!queued && isEvent) {
            CloseCause cause = closeCause;
            // Refused before the close ran: the queue overflowed (or the goodbye is queued).
            meters.dropped(cause != null ? dropReason(cause) : queue.isFailed() ? DropReason.SLOW : DropReason.SHUTDOWN, 1);
        }
        return queued;
    }

    /** Counts events a completed write delivered. */
    protected final void delivered(int events) {
        if (events > 0) {
            meters.delivered(events);
        }
    }

    /** What the dropped-events counter says for events a connection closed for this cause still had. */
    static DropReason dropReason(CloseCause cause) {
        return switch (cause) {
            case SLOW -> DropReason.SLOW;
            case TOO_BIG, LIMIT -> DropReason.LIMIT;
            case SHUTDOWN -> DropReason.SHUTDOWN;
            case UNAUTHORIZED -> DropReason.AUTH;
            // FINISHED: events of the channel that came after the stream's last one.
            case WRITE_FAILED, BROKEN, CLIENT, TIMEOUT, SUBSCRIBE_FAILED, FINISHED -> DropReason.GONE;
        };
    }

    /** Frames waiting to be written: the outbound queue depth metrics read. */
    public final int queued() {
        return queue.size();
    }

    public final boolean isClosed() {
        return closed.get();
    }

    /** Queues the transport's goodbye (if any) and completes once everything queued is written. */
    @Override
    public CompletionStage<Void> shutdown() {
        if (closed.get()) {
            return CompletableFuture.completedFuture(null);
        }
        F goodbye = goodbye();
        if (goodbye != null) {
            queue.offer(goodbye);
        }
        return queue.closeWhenDrained();
    }

    /**
     * Ends the connection once everything queued so far is written, refusing anything later: a
     * stream whose subject is over. Safe under the channel's lock: the close always runs on a
     * writer thread, never on the caller's, even when the queue is written already (then the
     * stage is complete, and a plain {@code thenRun} would close inline, inside the fan-out's
     * iteration over the channel's subscribers: the lock order of {@link ChannelManager}).
     */
    protected final void endWhenDrained(CloseCause cause, String detail) {
        closeCause = cause; // what an event refused from now on is counted under
        queue.closeWhenDrained().thenRunAsync(() -> close(cause, detail), closer);
    }

    /** The frame that tells a client the server is stopping, or null when the close says it. */
    protected abstract F goodbye();

    /** Writes frames, in order; the stage completes when the transport took them all. */
    protected abstract CompletionStage<?> write(List<F> frames);

    /** Ends the connection with a reason; called once, after the queue is discarded. */
    protected abstract void end(CloseCause cause, String detail);

    @Override
    public void closeForShutdown() {
        close(CloseCause.SHUTDOWN, "server shutdown");
    }

    @Override
    public void closeForFailure(String detail) {
        close(CloseCause.WRITE_FAILED, detail);
    }

    /** Whether a write's failure is an I/O error (the connection broken), not a refusal of the write itself. */
    private static boolean brokenBy(Throwable error) {
        Throwable e = error;
        while (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        return e instanceof java.io.IOException;
    }

    /** Ends the connection and forgets it everywhere; safe to call more than once, from any thread. */
    public final void close(CloseCause cause, String detail) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeCause = cause;
        synchronized (this) {
            if (expiry != null) {
                expiry.cancel(false);
            }
        }
        for (String channel : List.copyOf(channels)) {
            core.unsubscribe(this, channel);
        }
        channels.clear();
        meters.dropped(dropReason(cause), queue.discard());
        registry.remove(this);
        end(cause, detail);
    }
}
