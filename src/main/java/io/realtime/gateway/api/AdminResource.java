package io.realtime.gateway.api;

import io.realtime.gateway.admin.Revocations;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.JsonFactories;
import io.realtime.gateway.security.Authenticator;
import io.realtime.gateway.security.Permissions;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.io.InputStream;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The admin API (DESIGN §7), for the admin role: disconnect a user everywhere, revoke a token
 * before it expires. Both act on every instance (through Redis in cluster mode).
 */
@Path("/admin")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    /** How long a revocation without the token's expiry is kept: longer than any sane token lives. */
    private static final long DEFAULT_KEEP_MS = 24 * 3600_000L;
    private static final int MAX_BODY_BYTES = 4096;

    private final Revocations revocations;
    private final Authenticator authenticator;
    private final Permissions permissions;
    @Context
    HttpServletRequest request;

    protected AdminResource() {
        this(null, null, null);
    }

    @Inject
    public AdminResource(Revocations revocations, Authenticator authenticator, Permissions permissions) {
        this.revocations = revocations;
        this.authenticator = authenticator;
        this.permissions = permissions;
    }

    @POST
    @Path("users/{userId}/disconnect")
    @Tag(name = "admin")
    @Operation(summary = "Disconnect a user everywhere", description = "Ends every SSE stream and WebSocket of the "
            + "user (the tokens' sub) on every instance: WebSocket closes 1008, SSE sends event: unauthorized and ends. "
            + "The user may reconnect with a valid token; revoke the token to stop that.")
    @APIResponse(responseCode = "200", description = "{\"user\",\"disconnected\"}: connections ended on this instance")
    @APIResponse(responseCode = "401", description = "No token or a bad one",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "403", description = "Not an admin, or no token key configured",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public String disconnect(@PathParam("userId") String userId) {
        permissions.checkAdmin(authenticator.authenticate(request));
        int n = revocations.disconnectUser(userId);
        return withCluster(JsonFactories.object().add("user", userId).add("disconnected", n)).build().toString();
    }

    @POST
    @Path("revocations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Tag(name = "admin")
    @Operation(summary = "Revoke a token", description = "{\"jti\":\"<the token's id>\",\"exp\":<its expiry, epoch "
            + "seconds; optional, else kept 24 h>}. Ends the token's sessions on every instance and refuses it "
            + "until it expires.")
    @APIResponse(responseCode = "200", description = "{\"jti\",\"until\",\"disconnected\"}: connections ended on this instance")
    @APIResponse(responseCode = "400", description = "No jti, or a bad exp",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "401", description = "No token or a bad one",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(responseCode = "403", description = "Not an admin, or no token key configured",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public String revoke(@HeaderParam("Content-Length") long length, InputStream body) {
        permissions.checkAdmin(authenticator.authenticate(request));
        JsonStructure json = JsonBodies.read(body, length, MAX_BODY_BYTES);
        if (json.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "The body must be {\"jti\":\"...\",\"exp\":...}");
        }
        JsonObject in = json.asJsonObject();
        if (!(in.get("jti") instanceof JsonString jti) || jti.getString().isBlank() || jti.getString().length() > 256) {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "'jti' is required: the token's id, at most 256 characters");
        }
        long until;
        JsonValue exp = in.get("exp");
        if (exp == null || exp.getValueType() == JsonValue.ValueType.NULL) {
            until = System.currentTimeMillis() + DEFAULT_KEEP_MS;
        } else if (exp instanceof JsonNumber n && n.isIntegral() && n.longValue() > 0 && n.longValue() < 1L << 40) {
            until = n.longValue() * 1000;
        } else {
            throw new InvalidInputException(ErrorCode.BAD_REQUEST, "'exp' must be the token's expiry in epoch seconds");
        }
        int n = revocations.revokeToken(jti.getString(), until);
        return withCluster(JsonFactories.object().add("jti", jti.getString()).add("until", Instant.ofEpochMilli(until).toString())
                .add("disconnected", n)).build().toString();
    }

    /**
     * In cluster mode, whether Redis took the action ({@code "stored"}) or it is held here and
     * retried until Redis is back ({@code "held"}; DESIGN §7): either way it stands.
     */
    private jakarta.json.JsonObjectBuilder withCluster(jakarta.json.JsonObjectBuilder answer) {
        return revocations.clustered() ? answer.add("cluster", revocations.held() == 0 ? "stored" : "held") : answer;
    }
}
