package io.realtime.gateway.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token ids ({@code jti}) revoked before their expiry, each kept until then: a revoked token is
 * refused on connect and its live sessions are ended (see the admin API). Bounded by the tokens'
 * own lifetimes; expired entries are swept as new ones come.
 */
@ApplicationScoped
public class RevokedTokens {

    private final Map<String, Long> expiresAtMs = new ConcurrentHashMap<>();

    /** @return true if the id was not revoked yet */
    public boolean revoke(String tokenId, long expiresAtMs) {
        long now = System.currentTimeMillis();
        this.expiresAtMs.values().removeIf(at -> at <= now);
        return this.expiresAtMs.put(tokenId, expiresAtMs) == null;
    }

    public boolean isRevoked(String tokenId) {
        Long at = expiresAtMs.get(tokenId);
        return at != null && at > System.currentTimeMillis();
    }

    public int size() {
        return expiresAtMs.size();
    }
}
