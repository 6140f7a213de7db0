package io.realtime.gateway.security;

import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Finds and verifies the token a client presents (DESIGN §7): the {@code Authorization: Bearer}
 * header first, then the cookie named by {@code mp.jwt.token.cookie}, then (only when
 * {@code gateway.auth.query-token} is true) the {@code access_token} query parameter. No token at
 * all is an anonymous caller; a bad one is refused, never treated as anonymous.
 */
@ApplicationScoped
public class Authenticator {

    private static final String ATTRIBUTE = Caller.class.getName();

    private TokenVerifier tokens;
    private String cookieName;
    private boolean queryTokens;

    protected Authenticator() {
        // for the CDI proxy
    }

    @Inject
    public Authenticator(TokenVerifier tokens, @ConfigProperty(name = "mp.jwt.token.cookie") String cookieName,
                         @ConfigProperty(name = "gateway.auth.query-token") boolean queryTokens) {
        this.tokens = tokens;
        this.cookieName = cookieName;
        this.queryTokens = queryTokens;
    }

    public boolean enabled() {
        return tokens.enabled();
    }

    /** The request's caller, verified once per request. */
    public Caller authenticate(HttpServletRequest request) {
        if (!tokens.enabled()) {
            return Caller.anonymous();
        }
        if (request.getAttribute(ATTRIBUTE) instanceof Caller known) {
            return known;
        }
        Caller caller = authenticate(Credentials.of(request));
        request.setAttribute(ATTRIBUTE, caller);
        return caller;
    }

    /** @throws InvalidInputException {@code unauthorized} for a token that fails verification */
    public Caller authenticate(Credentials credentials) {
        if (!tokens.enabled()) {
            return Caller.anonymous();
        }
        String token = credentials.bearer();
        if ("".equals(token)) {
            throw new InvalidInputException(ErrorCode.UNAUTHORIZED, "The Authorization header must be 'Bearer <token>'");
        }
        if (token == null) {
            token = credentials.cookie(cookieName);
        }
        if (token == null && credentials.queryToken() != null) {
            if (!queryTokens) {
                throw new InvalidInputException(ErrorCode.UNAUTHORIZED, "Tokens in the URL are not accepted "
                        + "(they end up in logs): send an Authorization header or the " + cookieName + " cookie");
            }
            token = credentials.queryToken();
        }
        return token == null ? Caller.anonymous() : tokens.verify(token);
    }

    /** A token sent on a live connection (the WebSocket {@code auth} op). */
    public Caller verify(String token) {
        return tokens.verify(token);
    }
}
