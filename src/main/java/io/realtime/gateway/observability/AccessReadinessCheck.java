package io.realtime.gateway.observability;

import io.realtime.gateway.security.RevokedTokens;
import io.realtime.gateway.security.TokenVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness data on access control (DESIGN §7): {@code auth} is {@code jwt} when tokens are
 * verified and {@code open} when no key is configured, so a gateway left open by mistake shows in
 * the readiness answer operators already watch. Always UP: running open is a choice, not a fault.
 */
@Readiness
@ApplicationScoped
public class AccessReadinessCheck implements HealthCheck {

    private TokenVerifier tokens;
    private RevokedTokens revoked;

    protected AccessReadinessCheck() {
        // for the CDI proxy
    }

    @Inject
    public AccessReadinessCheck(TokenVerifier tokens, RevokedTokens revoked) {
        this.tokens = tokens;
        this.revoked = revoked;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("access").up()
                .withData("auth", tokens.enabled() ? "jwt" : "open")
                .withData("revokedTokens", revoked.size())
                .build();
    }
}
