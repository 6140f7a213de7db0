package io.realtime.gateway.config;

/**
 * One product stream's route, declared in configuration (DESIGN §5, §10): {@code GET
 * /api/stream/<name>/{<idName>}} is the stream of channel {@code <namespace>:<id>}, starting and
 * ending as {@link #options()} says. The declaration is the one place a stream's namespace, route and
 * rules are written; its deriver (if it derives anything) is the only code a new stream needs.
 *
 * @param name        the route's path segment ({@code render-progress})
 * @param namespace   the channel's namespace ({@code job}); declaring the route declares the namespace
 * @param idName      the path parameter naming the channel's id part ({@code jobId})
 * @param options     where a stream without a resume id starts, and the event types that end it
 * @param summary     the OpenAPI operation's summary
 * @param description the OpenAPI operation's description
 * @param events      the OpenAPI 200 response's description: the events of the stream, by name
 */
public record StreamRoute(String name, String namespace, String idName, StreamOptions options,
                          String summary, String description, String events) {

    /** The channel a request for {@code id} streams (checked by the core like any other name). */
    public String channel(String id) {
        return namespace + ':' + id;
    }
}
