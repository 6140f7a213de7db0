package io.realtime.gateway.security;

import io.realtime.gateway.event.ChannelName;
import java.util.Arrays;
import java.util.List;

/**
 * One way to be allowed an action on a channel (DESIGN §7), as configuration spells it:
 * {@code anyone}, {@code authenticated}, {@code owner} (the token's subject is the channel's id
 * part, as for {@code alerts:{userId}}) or {@code role:<group>}.
 */
public sealed interface AccessRule {

    boolean allows(Caller caller, ChannelName channel);

    record Anyone() implements AccessRule {
        @Override
        public boolean allows(Caller caller, ChannelName channel) {
            return true;
        }
    }

    record Authenticated() implements AccessRule {
        @Override
        public boolean allows(Caller caller, ChannelName channel) {
            return !caller.isAnonymous();
        }
    }

    record Owner() implements AccessRule {
        @Override
        public boolean allows(Caller caller, ChannelName channel) {
            return !caller.isAnonymous() && !channel.bare()
                    && caller.subject().equals(channel.value().substring(channel.namespace().length() + 1));
        }
    }

    record Role(String group) implements AccessRule {
        @Override
        public boolean allows(Caller caller, ChannelName channel) {
            return caller.inGroup(group);
        }
    }

    /** A comma-separated list of rules, any of which allows. */
    static List<AccessRule> parseAll(String key, String spec) {
        return Arrays.stream(spec.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> parse(key, s)).toList();
    }

    private static AccessRule parse(String key, String rule) {
        if (rule.startsWith("role:") && rule.length() > 5) {
            return new Role(rule.substring(5));
        }
        return switch (rule) {
            case "anyone" -> new Anyone();
            case "authenticated" -> new Authenticated();
            case "owner" -> new Owner();
            default -> throw new IllegalArgumentException(key + ": '" + rule
                    + "' is no access rule (anyone, authenticated, owner, role:<group>)");
        };
    }
}
