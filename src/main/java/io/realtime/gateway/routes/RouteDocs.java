package io.realtime.gateway.routes;

import io.realtime.gateway.api.Problem;
import io.realtime.gateway.config.StreamRoute;
import io.realtime.gateway.config.StreamRoutes;
import io.realtime.gateway.sse.SseDocs;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.tags.Tag;

/**
 * Writes each declared stream route ({@link StreamRoutes}) into the OpenAPI document as the operation
 * its own JAX-RS method would have given: {@code GET /api/stream/<route>/{<idName>}} with the
 * declaration's texts and the refusals every stream shares. {@link SeedRoutes} serves them all from
 * one method, which annotations could describe only as one templated path. Registered with
 * {@code mp.openapi.filter}; the OpenAPI runtime makes it (not CDI), so it reads the configuration itself.
 */
public class RouteDocs implements OASFilter {

    private static final String TAG = "streams";
    private static final Pattern WORD_START = Pattern.compile("(?=\\p{Upper})");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Collection<StreamRoute> routes = StreamRoutes.from(ConfigProvider.getConfig()).values();
        for (StreamRoute route : routes) {
            openAPI.getPaths().addPathItem("/api/stream/" + route.name() + "/{" + route.idName() + "}",
                    OASFactory.createPathItem().GET(operation(route)));
        }
        // The document lists the tags its operations use; annotations added this one for each route class.
        List<Tag> tags = new ArrayList<>(openAPI.getTags() == null ? List.of() : openAPI.getTags());
        if (!routes.isEmpty() && tags.stream().noneMatch(tag -> TAG.equals(tag.getName()))) {
            tags.add(OASFactory.createTag().name(TAG));
            tags.sort(Comparator.comparing(Tag::getName));
            openAPI.setTags(tags);
        }
    }

    private static Operation operation(StreamRoute route) {
        Schema text = OASFactory.createSchema().type(Schema.SchemaType.STRING);
        APIResponses responses = OASFactory.createAPIResponses()
                .addAPIResponse("200", OASFactory.createAPIResponse().description(route.events() + SseDocs.CONTROL_EVENTS)
                        .content(OASFactory.createContent().addMediaType(MediaType.SERVER_SENT_EVENTS,
                                OASFactory.createMediaType().schema(text))))
                .addAPIResponse("400", problem("The " + words(route.idName()) + " is not a valid channel name part, or a bad resume id"))
                .addAPIResponse("401", problem(SseDocs.UNAUTHORIZED))
                .addAPIResponse("403", problem(SseDocs.FORBIDDEN))
                .addAPIResponse("429", problem(SseDocs.LIMIT))
                .addAPIResponse("503", problem(SseDocs.STOPPING));
        return OASFactory.createOperation()
                .tags(List.of(TAG))
                .summary(route.summary())
                .description(route.description().isEmpty() ? null : route.description())
                .parameters(List.of(
                        OASFactory.createParameter().name(route.idName()).in(Parameter.In.PATH).required(true).schema(text),
                        OASFactory.createParameter().name("lastEventId").in(Parameter.In.QUERY).schema(text),
                        OASFactory.createParameter().name("Last-Event-ID").in(Parameter.In.HEADER).schema(text)))
                .responses(responses);
    }

    /** {@code jobId} as "job id", the way a description names it. */
    private static String words(String idName) {
        return String.join(" ", WORD_START.split(idName)).toLowerCase(Locale.ROOT);
    }

    private static APIResponse problem(String description) {
        Content content = OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("Problem")));
        return OASFactory.createAPIResponse().description(description).content(content);
    }
}
