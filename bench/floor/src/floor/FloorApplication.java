package floor;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Set;

/**
 * The runtime floor's JAX-RS application: the same path as the gateway's API. The stream resource is
 * one instance for the application's life, as the gateway's are, so the sinks it holds outlive a request.
 */
@ApplicationPath("/api")
public class FloorApplication extends Application {

    private final Set<Object> singletons = Set.of(new FloorStream());

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(FloorResource.class);
    }

    @Override
    public Set<Object> getSingletons() {
        return singletons;
    }
}
