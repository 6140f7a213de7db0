package io.realtime.gateway.security;

import java.util.Set;

/**
 * Who a request or connection acts for (DESIGN §7): the subject and groups of a verified token, or
 * nobody. Groups are MicroProfile JWT's roles.
 *
 * @param subject     the token's {@code sub} (or {@code upn}), null when anonymous
 * @param groups      the token's {@code groups}
 * @param tokenId     the token's {@code jti}, null when it has none: what revocation names
 * @param expiresAtMs when the token expires (epoch ms), 0 for never (anonymous)
 */
public record Caller(String subject, Set<String> groups, String tokenId, long expiresAtMs) {

    private static final Caller ANONYMOUS = new Caller(null, Set.of(), null, 0);

    public Caller {
        groups = Set.copyOf(groups);
    }

    public static Caller anonymous() {
        return ANONYMOUS;
    }

    public boolean isAnonymous() {
        return subject == null;
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    /** For log lines: who, never the token. */
    public String describe() {
        return isAnonymous() ? "anonymous" : "user " + subject;
    }
}
