package io.realtime.gateway.api;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON the HTTP API reads and writes, as OpenAPI schemas. The resources read and write JSON-P
 * (bodies are checked by hand for size and shape before they are parsed whole), so these records
 * exist only to describe the wire form; ObservabilityIT checks them against real responses.
 */
public final class ApiSchemas {

    private ApiSchemas() {
    }

    @Schema(name = "EventBody", description = "One event to publish on the channel of the path")
    public record EventBody(
            @Schema(required = true, description = "Event type, e.g. job_progress (DESIGN §10)", example = "job_progress") String type,
            @Schema(required = true, type = SchemaType.OBJECT, description = "Type-specific payload") Map<String, Object> data) {
    }

    @Schema(name = "BatchItem", description = "One event of a batch")
    public record BatchItem(
            @Schema(required = true, example = "job:42") String channel,
            @Schema(required = true, example = "job_progress") String type,
            @Schema(required = true, type = SchemaType.OBJECT) Map<String, Object> data,
            @Schema(description = "Optional: a retry with the same key on the same channel within the window "
                    + "(default 5 min) publishes nothing and gets the first id", example = "order-7-shipped")
            String idempotencyKey) {
    }

    @Schema(name = "Published", description = "The id the event got, and how it went out")
    public record Published(
            @Schema(example = "1795615943231-0") String id,
            @Schema(enumeration = {"cluster", "local"}, description = "cluster: through Redis to every instance; "
                    + "local: Redis unreachable, delivered to this instance's subscribers only") String delivery,
            @Schema(description = "Present and true when this was a retry of an earlier publish (same "
                    + "Idempotency-Key): nothing was published, id is the first publish's") Boolean duplicate) {
    }

    @Schema(name = "BatchPublished", description = "The ids of a batch, in order")
    public record BatchPublished(List<String> ids,
                                 @Schema(enumeration = {"cluster", "local"}) String delivery,
                                 @Schema(description = "Present when some items were retries (same idempotencyKey): "
                                         + "their positions; nothing was published for them") List<Integer> duplicates) {
    }

    @Schema(name = "Problem", description = "RFC 9457 problem document: every error of the HTTP API")
    public record Problem(
            @Schema(example = "urn:realtime-gateway:problem:bad_type") String type,
            @Schema(example = "Invalid event type") String title,
            @Schema(example = "422") int status,
            @Schema(example = "bad_type", description = "The same code the WebSocket error op carries") String code,
            @Schema(description = "What was wrong, in words") String detail) {
    }
}
