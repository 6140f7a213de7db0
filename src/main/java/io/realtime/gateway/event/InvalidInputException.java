package io.realtime.gateway.event;

/**
 * Input the gateway refuses. Carries the code both transports report; the message is safe to show
 * to the client (it never holds a stack trace or internal state).
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public InvalidInputException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
