package floor;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The runtime floor's JAX-RS application: the same path as the gateway's API. */
@ApplicationPath("/api")
public class FloorApplication extends Application {
}
