package io.realtime.gateway.broker;

/** The broker cannot accept an event now (e.g. Redis is down and local fallback is off). */
public class BrokerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String message) {
        super(message);
    }
}
