package io.realtime.gateway.transport;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a transport's goodbye as soon as the JVM is asked to exit (SIGTERM, as from a container
 * runtime). Liberty stops applications only after its quiesce stage, which waits up to 30 s for
 * open requests to finish, and an SSE stream or a WebSocket never finishes by itself. Liberty's own
 * SIGTERM handling runs that quiesce, whose start {@link EndpointWatch} also catches; this hook
 * starts the goodbye even before it, and still works where no Liberty endpoint MBean is to be seen.
 */
public final class JvmShutdownHook {

    private static final Logger LOG = Logger.getLogger(JvmShutdownHook.class.getName());

    private final Thread thread;

    public JvmShutdownHook(String name, Runnable goodbye) {
        this.thread = new Thread(() -> {
            try {
                goodbye.run();
            } catch (RuntimeException e) {
                // The application may be stopping under us; its own stop says goodbye then.
                LOG.log(Level.FINE, "shutdown hook " + name + " failed", e);
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(thread);
    }

    /** The application stops without the JVM exiting (or after the hook ran): forget the hook. */
    public void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException e) {
            // The JVM is already exiting: the hook runs, or ran.
        }
    }
}
