package io.realtime.gateway.channel;

/**
 * A subscriber could not keep up with a channel while it caught up from history: more live events
 * waited for it than the limit. The subscription is undone; the connection is cut off as slow.
 */
public class SlowSubscriberException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SlowSubscriberException(String message) {
        super(message);
    }
}
