package io.realtime.gateway.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The HTTP API and the SSE streams live under {@code /api} (DESIGN §9). */
@ApplicationPath("/api")
public class GatewayApplication extends Application {
}
