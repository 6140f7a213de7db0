package io.realtime.gateway.stream.alerts;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.stream.Inputs;
import io.realtime.gateway.stream.PayloadJson;
import io.realtime.gateway.stream.campaign.Figures;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import io.realtime.gateway.security.Authenticator;
import io.realtime.gateway.security.Permissions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import io.realtime.gateway.api.JsonBodies;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.security.Caller;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.ws.rs.HeaderParam;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code /api/alerts/rules}: threshold rules on campaign metrics, created, listed and deleted. */
@Path("/alerts/rules")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AlertRulesResource {

    private static final Set<String> OPERATORS = Set.of("above", "below");
    private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");
    /** A rule is a few short fields: a body past this is no rule. */
    static final int MAX_BODY_BYTES = 16 * 1024;

    private final AlertRules rules;
    private final ChannelManager core;
    private final PayloadJson json;

    private final Authenticator authenticator;
    private final Permissions permissions;
    @Context
    HttpServletRequest request;

    protected AlertRulesResource() {
        this(null, null, null, null, null);
    }

    /** Rules are their user's (DESIGN §7): only that user (the token's sub) or an admin may touch them. */
    @Inject
    public AlertRulesResource(AlertRules rules, ChannelManager core, PayloadJson json, Authenticator authenticator,
                              Permissions permissions) {
        this.authenticator = authenticator;
        this.permissions = permissions;
        this.rules = rules;
        this.core = core;
        this.json = json;
    }

    /** {@code {"userId","campaignId","metric","operator":"above|below","threshold","severity"?,"title"?}} → 201 with the rule. */
    @Tag(name = "alerts")
    @Operation(summary = "Create an alert rule", description = "A threshold rule on one campaign figure (DESIGN §10); its alerts go to alerts:{userId}. 201 with the rule; 422 for a bad field.")
    @APIResponse(responseCode = "201", description = "The rule, with the id it got (Location: alerts/rules/{id})",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AlertRule.class)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "415", ref = "UnsupportedMediaType")
    @APIResponse(responseCode = "422", ref = "BadData")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@HeaderParam("Content-Length") long length, InputStream body) {
        // Who asks first (401 without a token where one is needed), then at most MAX_BODY_BYTES read:
        // no work, and no memory, for a caller who may do nothing here.
        Caller caller = authenticator.authenticate(request);
        if (authenticator.enabled() && caller.isAnonymous()) {
            throw new InvalidInputException(ErrorCode.UNAUTHORIZED, "A token is needed to create alert rules");
        }
        JsonStructure read = JsonBodies.read(body, length, MAX_BODY_BYTES);
        if (read.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidInputException(ErrorCode.BAD_JSON, "The body must be a JSON object");
        }
        JsonObject in = read.asJsonObject();
        String userId = Inputs.text(in, "userId", true, 128);
        core.channel("alerts:" + userId); // the owner's channel must be a valid name
        permissions.checkUser(caller, userId);
        String campaignId = Inputs.text(in, "campaignId", true, 128);
        ChannelName campaign = core.channel("campaign:" + campaignId);
        // The rule publishes the campaign's figures to its user: only a user who may read them
        // (DESIGN §7). The user's roles are known when they make the rule themselves; an admin making
        // one for them vouches for the subject only.
        List<String> groups = userId.equals(caller.subject()) ? List.copyOf(caller.groups()) : List.of();
        Caller owner = new Caller(userId, Set.copyOf(groups), null, 0);
        if (!permissions.allows(owner, Permissions.Action.SUBSCRIBE, campaign)) {
            throw new InvalidInputException(ErrorCode.FORBIDDEN, "User '" + userId + "' may not subscribe to '"
                    + campaign.value() + "', so may not watch it through an alert rule");
        }
        String metric = oneOf(in, "metric", Set.copyOf(Figures.NAMES), null);
        String operator = oneOf(in, "operator", OPERATORS, null);
        double threshold = Inputs.number(in, "threshold");
        String severity = oneOf(in, "severity", SEVERITIES, "warning");
        String title = Inputs.text(in, "title", false, 200);
        AlertRule rule = new AlertRule(UUID.randomUUID().toString(), userId, campaignId, metric, operator,
                threshold, severity, title, groups);
        rules.add(rule);
        return Response.created(URI.create("alerts/rules/" + rule.id())).entity(json.toJson(rule)).build();
    }

    /** {@code ?userId=} for one user's rules; without it, every rule. */
    @Tag(name = "alerts")
    @Operation(summary = "List alert rules", description = "Every rule, or one user's with ?userId=.")
    @APIResponse(responseCode = "200", description = "The rules",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RuleList.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @GET
    public String list(@QueryParam("userId") String userId) {
        permissions.checkUser(authenticator.authenticate(request), userId);
        return json.toJson(new RuleList(rules.list(userId)));
    }

    @Tag(name = "alerts")
    @Operation(summary = "One alert rule", description = "404 problem when there is none.")
    @APIResponse(responseCode = "200", description = "The rule",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AlertRule.class)))
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @GET
    @Path("{id}")
    public String get(@PathParam("id") String id) {
        AlertRule rule = rules.find(id).orElseThrow(() -> notFound(id));
        permissions.checkUser(authenticator.authenticate(request), rule.userId());
        return json.toJson(rule);
    }

    @Tag(name = "alerts")
    @Operation(summary = "Delete an alert rule", description = "204; 404 problem when there is none.")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "401", ref = "Unauthorized")
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        AlertRule rule = rules.find(id).orElseThrow(() -> notFound(id));
        permissions.checkUser(authenticator.authenticate(request), rule.userId());
        if (!rules.remove(id)) {
            throw notFound(id);
        }
        return Response.noContent().build();
    }

    /** The body of a listing. */
    public record RuleList(List<AlertRule> rules) {
    }

    private static String oneOf(JsonObject in, String name, Set<String> allowed, String otherwise) {
        String value = Inputs.text(in, name, otherwise == null, 64);
        if (value == null) {
            return otherwise;
        }
        if (!allowed.contains(value)) {
            throw Inputs.bad("'" + name + "' must be one of " + new java.util.TreeSet<>(allowed) + "; got '" + value + "'");
        }
        return value;
    }

    private static InvalidInputException notFound(String id) {
        return new InvalidInputException(ErrorCode.NOT_FOUND, "No alert rule with id '" + id + "'");
    }
}
