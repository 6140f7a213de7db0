package io.realtime.gateway.redis;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A task that runs against Redis for the application's lifetime (a listener, a queue reader), on a
 * thread of its own: one step after another, and after a failure a pause with jittered back-off
 * ({@link Backoff}) so that instances do not retry a recovering Redis in lockstep. An outage is
 * logged once as a warning and its end once; any other failure is logged with its stack trace.
 */
public final class RedisLoop {

    private static final Logger LOG = Logger.getLogger(RedisLoop.class.getName());

    /** One round of the task. */
    @FunctionalInterface
    public interface Step {
        /** @return how long to pause before the next round, in ms (0: at once) */
        long run();
    }

    private final String name;
    private final Step step;
    private final Consumer<RuntimeException> onFailure;
    private final Backoff backoff;
    private final Object pauses = new Object();
    private volatile boolean running = true;
    private boolean down;

    private RedisLoop(String name, Step step, Consumer<RuntimeException> onFailure, Backoff backoff) {
        this.name = name;
        this.step = step;
        this.onFailure = onFailure;
        this.backoff = backoff;
    }

    /**
     * Starts {@code step} on a daemon thread named {@code name} from {@code threads} (in the server, a
     * managed thread factory: a managed executor would hold a shared pool thread for good).
     *
     * @param onFailure told of each failure (on the loop's thread) before the pause, to reset the task's state
     */
    public static RedisLoop start(ThreadFactory threads, String name, Duration minPause, Duration maxPause,
                                  Step step, Consumer<RuntimeException> onFailure) {
        RedisLoop loop = new RedisLoop(name, step, onFailure, new Backoff(minPause, maxPause));
        Thread thread = threads.newThread(loop::run);
        thread.setName(name);
        thread.setDaemon(true);
        thread.start();
        return loop;
    }

    public boolean running() {
        return running;
    }

    /**
     * Called from a step that blocks for as long as Redis is healthy (a subscription) once it has
     * reached Redis: the outage is over now, not when the step returns, so its back-off starts again
     * from the bottom and the next outage is logged as a warning again. On the loop's thread only.
     */
    public void answered() {
        if (down) {
            down = false;
            LOG.info(name + ": Redis answers again");
        }
        backoff.reset();
    }

    /** Ends the loop after its current step; a pause ends at once. The owner closes what a step blocks on. */
    public void stop() {
        running = false;
        synchronized (pauses) {
            pauses.notifyAll();
        }
    }

    private void run() {
        while (running) {
            long pauseMs;
            try {
                pauseMs = step.run();
                answered();
            } catch (JedisException e) {
                if (!running) {
                    return;
                }
                pauseMs = backoff.nextDelayMs();
                if (!down) {
                    down = true;
                    LOG.warning(name + ": Redis unreachable or refusing (" + e + "); retrying with back-off");
                } else {
                    LOG.log(Level.FINE, name + ": still failing; retrying in " + pauseMs + " ms", e);
                }
                onFailure.accept(e);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                pauseMs = backoff.nextDelayMs();
                LOG.log(Level.WARNING, name + " failed; retrying in " + pauseMs + " ms", e);
                onFailure.accept(e);
            }
            pause(pauseMs);
        }
    }

    private void pause(long ms) {
        if (ms <= 0) {
            return;
        }
        synchronized (pauses) {
            if (!running) {
                return;
            }
            try {
                pauses.wait(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
