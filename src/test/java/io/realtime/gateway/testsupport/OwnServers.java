package io.realtime.gateway.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A test class that talks only to servers it starts itself (gateways from the runnable JAR, its own
 * redis-server, brokers in this JVM), never to the build's test server or the Arquillian server. Such a
 * class may run beside the others: the integration tests run in two lanes (two cores), the classes
 * marked so one after another in one lane (they share {@link #LANE}), every other class one after
 * another in the other. A class's own methods still run one after the other, in their order (the lock
 * makes them same-thread). Much of a test's time is waiting (heartbeats, timeouts, a drain, a restart);
 * the other lane uses it. Failsafe switches the lanes on ({@code -Dit.lanes=false}: one lane).
 *
 * <p>Only for classes that hold no JVM-wide state the others read, and whose assertions on counts
 * concern their own servers. Tagged {@value #TAG}: the quick profile ({@code mvn verify -Pquick}) leaves
 * them out.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag(OwnServers.TAG)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(OwnServers.LANE)
public @interface OwnServers {

    /** The JUnit tag of these classes. */
    String TAG = "own-servers";

    /** The lock every such class holds while it runs: one of them at a time. */
    String LANE = "own-servers-lane";
}
