package io.realtime.gateway.event;

import java.util.function.Function;

/**
 * One wire form of events (a transport's frame), made once per event and shared by every
 * subscriber it goes to: see {@link ChannelEvent#encoded}. The form itself belongs to whoever
 * defines the encoding; the event only keeps the result. Compared by identity, so each transport
 * holds one instance for the application's life.
 *
 * @param <T> the encoded form
 */
public final class EventEncoding<T> {

    private final String name;
    private final Function<ChannelEvent, T> encoder;

    public EventEncoding(String name, Function<ChannelEvent, T> encoder) {
        this.name = name;
        this.encoder = encoder;
    }

    T encode(ChannelEvent event) {
        return encoder.apply(event);
    }

    @Override
    public String toString() {
        return name;
    }
}
