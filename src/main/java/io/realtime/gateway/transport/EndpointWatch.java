package io.realtime.gateway.transport;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.Notification;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ObjectName;

/**
 * Starts the goodbye at the first step of a Liberty server stop, not half a minute later.
 *
 * <p>A server stop ({@code server stop}, {@code mvn liberty:stop}, and Liberty's own handling of
 * SIGTERM) begins with a quiesce stage: each HTTP endpoint stops listening and then waits, up to
 * 30 s, for its open connections to end; only after that does the server stop its applications. SSE
 * streams and WebSockets never end by themselves, so a goodbye said when the application stops
 * ({@code @PreDestroy}, CDI {@code @BeforeDestroyed}, {@code contextDestroyed}: measured, all after
 * the wait) reaches connections already cut. Liberty 26.0.0.3 gives an application no callback at
 * the start of the stop: {@code ServerQuiesceListener} is an OSGi service, out of a WAR's reach, the
 * EJB {@code destroyOnQuiesce} entry is not in this runtime, and {@code <executor quiesceTimeout>} is
 * beta only (and a shorter wait would only cut the connections sooner).
 *
 * <p>What an application can see is the platform MBean server, where Liberty keeps one MBean per
 * listening endpoint ({@code WebSphere:feature=channelfw,type=endpoint,name=defaultHttpEndpoint},
 * {@code ...-ssl}) and unregisters it as the first step of stopping that endpoint (measured: 0.1 s
 * after CWWKE1100I, while the endpoint's wait begins). So this listens for that: when an endpoint
 * that listened goes away, {@link GracefulShutdown} sends every client its goodbye, the endpoint
 * finds no connection left and the stop goes on at once. It is a notification, not a poll, and the
 * goodbye runs on a thread of its own (the notification comes on the thread stopping the endpoint;
 * the server's managed executors are shut down by the quiesce itself).
 *
 * <p>{@code server pause} stops the endpoints the same way and cuts the same connections when its
 * wait ends, so it gets the same goodbye; when an endpoint listens again ({@code server resume},
 * or an endpoint restarted by a configuration change) the gateway accepts connections again.
 */
@ApplicationScoped
public class EndpointWatch {

    private static final Logger LOG = Logger.getLogger(EndpointWatch.class.getName());

    /** Liberty's listening endpoints (the channel framework's EndPointMgr registers them). */
    static final String ENDPOINTS = "WebSphere:feature=channelfw,type=endpoint,name=*";

    @Resource
    ManagedThreadFactory threads;

    private GracefulShutdown shutdown;
    private MBeanServer server;
    private ObjectName endpoints;
    private ExecutorService actions;
    private NotificationListener listener;
    /** Whether the last change seen was an endpoint going away (so clients were told goodbye). */
    private boolean stopping;

    protected EndpointWatch() {
        // for the CDI proxy
    }

    @Inject
    public EndpointWatch(GracefulShutdown shutdown) {
        this.shutdown = shutdown;
    }

    void init(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        // created with the application, so the watch is in place from the start
    }

    @PostConstruct
    void start() {
        start(ManagementFactory.getPlatformMBeanServer());
    }

    /** Watches the given server's endpoint MBeans (a test passes its own). */
    void start(MBeanServer mbeans) {
        server = mbeans;
        endpoints = name(ENDPOINTS);
        actions = Executors.newSingleThreadExecutor(threads);
        listener = this::changed;
        NotificationFilter filter = n -> n instanceof MBeanServerNotification m && endpoints.apply(m.getMBeanName());
        try {
            server.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener, filter, null);
        } catch (InstanceNotFoundException e) {
            throw new IllegalStateException("every MBean server has a delegate", e);
        }
        if (server.queryNames(endpoints, null).isEmpty()) {
            // Not (yet) listening is normal while Liberty starts; not on Liberty at all is said here.
            LOG.info("No Liberty endpoint registered yet (" + ENDPOINTS + "); if none ever is, clients get their"
                    + " goodbye when the application stops and on SIGTERM only");
        }
    }

    @PreDestroy
    void stop() {
        try {
            server.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, listener);
        } catch (InstanceNotFoundException | ListenerNotFoundException e) {
            // already gone with the MBean server
        }
        actions.shutdown();
        try {
            // A goodbye under way finishes first: it is bounded by the drain time.
            actions.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void changed(Notification n, Object handback) {
        String endpoint = ((MBeanServerNotification) n).getMBeanName().getKeyProperty("name");
        boolean gone = MBeanServerNotification.UNREGISTRATION_NOTIFICATION.equals(n.getType());
        if (gone == stopping) {
            return; // a second endpoint stopping (or starting): the first already said it
        }
        stopping = gone;
        try {
            actions.execute(gone ? () -> shutdown.endpointStopped(endpoint)
                    : () -> shutdown.endpointListening(endpoint));
        } catch (RejectedExecutionException e) {
            // The application is stopping: its own stop says goodbye.
        }
    }

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }
}
