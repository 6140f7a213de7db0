package io.realtime.gateway.stream.council;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.stream.PayloadJson;
import io.realtime.gateway.stream.council.Payloads.AiError;
import io.realtime.gateway.stream.council.Payloads.AiModelDone;
import io.realtime.gateway.stream.council.Payloads.AiToken;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * The AI council ({@code council:{evaluationId}}, DESIGN §10): asks every configured provider in
 * parallel and publishes what they stream on the evaluation's channel, so that every viewer (and
 * one who comes later, from history) sees the same tokens: {@code ai_token} per piece of text per
 * model, {@code ai_model_done} with the score read from the answer, {@code ai_error} for a model that
 * fails (the others go on), and last {@code ai_score}. No provider configured: nothing is started.
 */
@ApplicationScoped
public class CouncilService {

    public static final String SCORE = "ai_score";
    private static final Logger LOG = Logger.getLogger(CouncilService.class.getName());

    /** The HTTP client's threads, made by the server so that what they run has the application's context. */
    @Resource
    ManagedThreadFactory threads;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ChannelManager core;
    private PayloadJson json;
    private CouncilSettings settings;
    private Semaphore running;
    private ExecutorService pool;
    private HttpClient client;
    private final Set<ProviderCall> calls = ConcurrentHashMap.newKeySet();

    protected CouncilService() {
        // for the CDI proxy
    }

    @Inject
    public CouncilService(ChannelManager core, PayloadJson json, Config config) {
        this.core = core;
        this.json = json;
        this.settings = CouncilSettings.from(key -> config.getOptionalValue(key, String.class));
        this.running = new Semaphore(Math.max(1, settings.maxConcurrent()));
    }

    @PostConstruct
    void start() {
        pool = Executors.newCachedThreadPool(threads);
        client = HttpClient.newBuilder().executor(pool).connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
        if (settings.providers().isEmpty()) {
            LOG.info("AI council: no provider configured (gateway.council.providers); its routes answer 503");
        } else {
            LOG.info("AI council providers: " + settings.providers());
        }
    }

    public CouncilSettings settings() {
        return settings;
    }

    /**
     * Reserves an evaluation and names its channel, so that a viewer can subscribe before
     * {@link #run} publishes anything. Refused with 503 when no provider is configured and 429 when
     * the configured number of evaluations is running already. A reserved evaluation is either run
     * or {@link #abandon}ed.
     */
    public ChannelName open() {
        if (settings.providers().isEmpty()) {
            throw new InvalidInputException(ErrorCode.UNAVAILABLE, "No AI provider is configured, so no evaluation "
                    + "can be made: set gateway.council.providers and each provider's base-url, api-key and model");
        }
        if (!running.tryAcquire()) {
            throw new InvalidInputException(ErrorCode.LIMIT,
                    settings.maxConcurrent() + " evaluations are running already (gateway.council.max-concurrent)");
        }
        return core.channel("council:" + UUID.randomUUID());
    }

    /** Gives back a reservation that will not run (its viewer could not be opened). */
    public void abandon() {
        running.release();
    }

    /** Asks every provider; what they answer is published on {@code channel} as it comes. */
    public void run(ChannelName channel, Prompt prompt) {
        List<ProviderSettings> providers = settings.providers();
        Evaluation evaluation = new Evaluation(providers);
        List<ProviderCall> mine = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProviderCall.Listener listener = new ProviderCall.Listener() {
            @Override
            public void token(ProviderSettings provider, String text) {
                if (evaluation.answering(provider)) {
                    publish(channel, "ai_token", new AiToken(provider.name(), text));
                }
            }

            @Override
            public void done(ProviderSettings provider, Answers.Verdict verdict) {
                publish(channel, "ai_model_done", new AiModelDone(provider.name(), verdict.score(), verdict.rationale()));
                if (evaluation.scored(provider, verdict.score())) {
                    finish(channel, evaluation, mine);
                }
            }

            @Override
            public void failed(ProviderSettings provider, String message) {
                publish(channel, "ai_error", new AiError(provider.name(), message));
                if (evaluation.failed(provider)) {
                    finish(channel, evaluation, mine);
                }
            }
        };
        for (ProviderSettings provider : providers) {
            ProviderCall call = new ProviderCall(provider, listener);
            mine.add(call);
            calls.add(call);
            call.start(client, prompt, settings.maxTokens(), scheduler);
        }
    }

    private void finish(ChannelName channel, Evaluation evaluation, List<ProviderCall> mine) {
        try {
            publish(channel, SCORE, evaluation.verdict());
        } finally {
            running.release();
            calls.removeAll(mine);
        }
    }

    private void publish(ChannelName channel, String type, Object payload) {
        try {
            core.publish(new EventDraft(channel, type, json.toObject(payload)));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not publish " + type + " on " + channel.value(), e);
        }
    }

    @PreDestroy
    void stop() {
        for (ProviderCall call : calls) {
            call.cancel();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
