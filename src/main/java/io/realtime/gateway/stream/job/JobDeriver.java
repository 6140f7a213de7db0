package io.realtime.gateway.stream.job;

import io.realtime.gateway.channel.EventDeriver;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.stream.Inputs;
import io.realtime.gateway.stream.PayloadJson;
import io.realtime.gateway.stream.StreamState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Render/job progress ({@code job:{jobId}}, DESIGN §10): checks a worker's frame and adds progress,
 * fps over a moving window of recent frames and the ETA. The window is kept in {@link StreamState}
 * (Redis in cluster mode), so consecutive frames may arrive on different instances. A frame's time
 * is the worker's {@code timestamp} (ms since the epoch) when it sends one, else when the gateway
 * received it.
 */
@ApplicationScoped
public class JobDeriver implements EventDeriver {

    public static final String PROGRESS = "job_progress";
    public static final String COMPLETED = "job_completed";
    public static final String FAILED = "job_failed";

    private StreamState state;
    private PayloadJson json;
    private int window;
    private Duration ttl;
    private LongSupplier clock;

    protected JobDeriver() {
        // for the CDI proxy
    }

    @Inject
    public JobDeriver(StreamState state, PayloadJson json,
                      @ConfigProperty(name = "gateway.job.fps-window") int window,
                      @ConfigProperty(name = "gateway.streams.state-ttl-seconds") long ttlSeconds) {
        this.state = state;
        this.json = json;
        this.window = Math.max(2, window);
        this.ttl = Duration.ofSeconds(ttlSeconds);
        this.clock = System::currentTimeMillis;
    }

    @Override
    public String namespace() {
        return "job";
    }

    @Override
    public Set<String> types() {
        return Set.of(PROGRESS, COMPLETED, FAILED);
    }

    @Override
    public Derivation check(EventDraft draft) {
        JsonObject in = draft.data();
        String jobId = Inputs.subjectId(draft.channel(), in, "jobId");
        String windowKey = "job-frames:{" + draft.channel().value() + "}";
        return switch (draft.type()) {
            case PROGRESS -> progress(draft, jobId, in, windowKey);
            case COMPLETED -> {
                JobEnded ended = new JobEnded(jobId, "completed", Inputs.text(in, "outputUrl", false, 2048), null);
                yield () -> {
                    state.delete(windowKey);
                    return derived(draft, ended);
                };
            }
            default -> {
                JobEnded ended = new JobEnded(jobId, "failed", null, Inputs.text(in, "error", true, 4096));
                yield () -> {
                    state.delete(windowKey);
                    return derived(draft, ended);
                };
            }
        };
    }

    private Derivation progress(EventDraft draft, String jobId, JsonObject in, String windowKey) {
        long frame = Inputs.count(in, "frame");
        long total = Inputs.count(in, "totalFrames");
        if (total == 0) {
            throw Inputs.bad("'totalFrames' must be at least 1");
        }
        if (frame > total) {
            throw Inputs.bad("'frame' (" + frame + ") is past 'totalFrames' (" + total + ")");
        }
        String stage = Inputs.text(in, "stage", false, 128);
        String message = Inputs.text(in, "message", false, 4096);
        Long timestamp = Inputs.optionalCount(in, "timestamp");
        long at = timestamp != null ? timestamp : clock.getAsLong();
        return () -> {
            // Only now, with the whole publish checked: the frame joins the job's window.
            Double fps = FrameRate.fps(state.appendToWindow(windowKey, frame, at, window, ttl));
            return derived(draft, new JobProgress(jobId, stage, frame, total, message, "processing",
                    (double) frame / total, fps, FrameRate.etaSeconds(frame, total, fps)));
        };
    }

    private EventDraft derived(EventDraft draft, Object payload) {
        return new EventDraft(draft.channel(), draft.type(), json.toObject(payload), draft.idempotencyKey());
    }
}
