package io.realtime.gateway.security;

import io.realtime.gateway.config.GatewayConfig;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * Who may subscribe to and publish on each namespace (DESIGN §7), from configuration:
 * {@code gateway.namespace.<ns>.subscribe} and {@code .publish}, else {@code gateway.access.subscribe}
 * and {@code gateway.access.publish}; the admin role ({@code gateway.access.admin-role}) may do
 * anything. Refusals: {@code unauthorized} (401) for an anonymous caller, who may succeed with a
 * token, {@code forbidden} (403) for one whose token lacks the right. Open mode allows everything.
 */
@ApplicationScoped
public class Permissions {

    public enum Action {
        SUBSCRIBE("subscribe to"), PUBLISH("publish on");

        private final String verb;

        Action(String verb) {
            this.verb = verb;
        }
    }

    private TokenVerifier tokens;
    private String adminRole;
    private final Map<String, List<AccessRule>> subscribe = new HashMap<>();
    private final Map<String, List<AccessRule>> publish = new HashMap<>();

    protected Permissions() {
        // for the CDI proxy
    }

    @Inject
    public Permissions(Config config, GatewayConfig gateway, TokenVerifier tokens) {
        this.tokens = tokens;
        this.adminRole = config.getValue("gateway.access.admin-role", String.class);
        String subscribeDefault = config.getValue("gateway.access.subscribe", String.class);
        String publishDefault = config.getValue("gateway.access.publish", String.class);
        for (String ns : gateway.namespaces().all().keySet()) {
            String key = "gateway.namespace." + ns + ".";
            subscribe.put(ns, AccessRule.parseAll(key + "subscribe",
                    config.getOptionalValue(key + "subscribe", String.class).orElse(subscribeDefault)));
            publish.put(ns, AccessRule.parseAll(key + "publish",
                    config.getOptionalValue(key + "publish", String.class).orElse(publishDefault)));
        }
    }

    /** @throws InvalidInputException {@code unauthorized} or {@code forbidden} */
    public void check(Caller caller, Action action, ChannelName channel) {
        if (!tokens.enabled() || caller.inGroup(adminRole)) {
            return;
        }
        for (AccessRule rule : (action == Action.SUBSCRIBE ? subscribe : publish).getOrDefault(channel.namespace(), List.of())) {
            if (rule.allows(caller, channel)) {
                return;
            }
        }
        throw refusal(caller, action.verb + " '" + channel.value() + "'");
    }

    /**
     * For a request whose channels are in its body (a batch): refuses an anonymous caller before the
     * body is read when no namespace lets anyone publish, so a client without a token gets 401 for
     * no work at all.
     */
    public void checkMayPublishSomewhere(Caller caller) {
        if (!tokens.enabled() || !caller.isAnonymous()) {
            return;
        }
        for (List<AccessRule> rules : publish.values()) {
            for (AccessRule rule : rules) {
                if (rule instanceof AccessRule.Anyone) {
                    return;
                }
            }
        }
        throw refusal(caller, "publish");
    }

    /** Whether the caller may: {@link #check} without the refusal. */
    public boolean allows(Caller caller, Action action, ChannelName channel) {
        try {
            check(caller, action, channel);
            return true;
        } catch (InvalidInputException e) {
            return false;
        }
    }

    /** The admin API's rule: the admin role, and a key configured (open mode has no users to act on). */
    public void checkAdmin(Caller caller) {
        if (!tokens.enabled()) {
            throw new InvalidInputException(ErrorCode.FORBIDDEN,
                    "The admin API needs token verification configured (mp.jwt.verify.publickey)");
        }
        if (!caller.inGroup(adminRole)) {
            throw refusal(caller, "use the admin API (role '" + adminRole + "')");
        }
    }

    /**
     * A user's own resources (their alert rules): the user themself or an admin.
     *
     * @param userId null for every user's, which only an admin may see
     */
    public void checkUser(Caller caller, String userId) {
        if (!tokens.enabled() || caller.inGroup(adminRole) || userId != null && userId.equals(caller.subject())) {
            return;
        }
        throw refusal(caller, userId == null ? "see every user's resources"
                : "manage the resources of user '" + userId + "'");
    }

    /** @param what the refused action as a verb phrase: "subscribe to 'alerts:u2'" */
    private static InvalidInputException refusal(Caller caller, String what) {
        return caller.isAnonymous()
                ? new InvalidInputException(ErrorCode.UNAUTHORIZED, "A token is needed to " + what)
                : new InvalidInputException(ErrorCode.FORBIDDEN, "User '" + caller.subject() + "' may not " + what);
    }
}
