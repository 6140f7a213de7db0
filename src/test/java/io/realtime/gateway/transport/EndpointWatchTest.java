package io.realtime.gateway.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.security.Caller;
import io.realtime.gateway.testsupport.Await;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watch over Liberty's endpoint MBeans, on an MBean server of the test's own with endpoint
 * MBeans registered and unregistered as Liberty does it (ServerStopIT drives the real thing).
 */
class EndpointWatchTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final MBeanServer mbeans = MBeanServerFactory.newMBeanServer();
    private final GatewayConfig config = new GatewayConfig() {
        @Override
        public Duration shutdownDrain() {
            return Duration.ofSeconds(5);
        }

        @Override
        public int connectionsPerAddress() {
            return 0;
        }

        @Override
        public int connectionsPerUser() {
            return 0;
        }
    };
    private final ConnectionRegistry registry = new ConnectionRegistry(config);
    private final EndpointWatch watch = new EndpointWatch(new GracefulShutdown(registry, config));
    private ObjectName http;
    private ObjectName https;

    @BeforeEach
    void listen() throws Exception {
        http = new ObjectName("WebSphere:feature=channelfw,type=endpoint,name=defaultHttpEndpoint");
        https = new ObjectName("WebSphere:feature=channelfw,type=endpoint,name=defaultHttpEndpoint-ssl");
        mbeans.registerMBean(new Endpoint(), http);
        mbeans.registerMBean(new Endpoint(), https);
        watch.threads = new Threads();
        watch.start(mbeans);
    }

    @AfterEach
    void stopWatching() {
        watch.stop();
    }

    @Test
    void anEndpointStoppingSaysGoodbyeOnceAndOneListeningAgainAccepts() throws Exception {
        Connection client = new Connection();
        registry.add(client);

        mbeans.unregisterMBean(http);
        Await.until(WAIT, "the client told goodbye and closed", () -> client.closed.get() == 1);
        assertEquals(1, client.goodbyes.get());
        assertFalse(registry.isAccepting(), "no new connection while the server stops");

        mbeans.unregisterMBean(https);
        mbeans.registerMBean(new Endpoint(), https);
        Await.until(WAIT, "accepting again once an endpoint listens again", registry::isAccepting);
        assertEquals(1, client.goodbyes.get(), "the second endpoint stopping said nothing more");

        Connection next = new Connection();
        registry.add(next);
        mbeans.unregisterMBean(https);
        Await.until(WAIT, "a later stop says goodbye again", () -> next.closed.get() == 1);
    }

    @Test
    void otherMBeansComingAndGoingChangeNothing() throws Exception {
        Connection client = new Connection();
        registry.add(client);
        ObjectName other = new ObjectName("WebSphere:type=ServletStats,name=x");
        mbeans.registerMBean(new Endpoint(), other);
        mbeans.unregisterMBean(other);
        // The watch acts on its own thread: let a goodbye it wrongly started show before asserting none did.
        watch.stop();
        assertEquals(0, client.goodbyes.get());
        assertTrue(registry.isAccepting());
    }

    public interface EndpointMBean {
        String getName();
    }

    public static final class Endpoint implements EndpointMBean {
        @Override
        public String getName() {
            return "endpoint";
        }
    }

    private static final class Threads implements ManagedThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            return new Thread(r, "endpoint-watch-test");
        }

        @Override
        public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class Connection implements GatewayConnection {
        final AtomicInteger goodbyes = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public Transport transport() {
            return Transport.WEBSOCKET;
        }

        @Override
        public Caller caller() {
            return Caller.anonymous();
        }

        @Override
        public String address() {
            return "127.0.0.1";
        }

        @Override
        public void heartbeat(long nowMs) {
        }

        @Override
        public CompletionStage<Void> shutdown() {
            goodbyes.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void closeForShutdown() {
            closed.incrementAndGet();
        }

        @Override
        public void closeForFailure(String detail) {
        }

        @Override
        public void closeForAccess(String detail) {
        }
    }
}
