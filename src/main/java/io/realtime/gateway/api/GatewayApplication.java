package io.realtime.gateway.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The HTTP API and the SSE streams live under {@code /api} (DESIGN §9); its OpenAPI document at {@code /openapi}. */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "Realtime gateway", version = "0.1",
        description = "Publish events and subscribe to channels over Server-Sent Events (here) and WebSocket "
                + "(/ws, DESIGN §6: subscribe, unsubscribe, publish and ping ops as JSON frames). Errors are "
                + "RFC 9457 problem documents. Health: /health/live, /health/ready, /health/started; "
                + "Prometheus metrics: /metrics."))
public class GatewayApplication extends Application {
}
