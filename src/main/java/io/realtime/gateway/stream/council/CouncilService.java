package io.realtime.gateway.stream.council;

import io.realtime.gateway.channel.ChannelManager;
import io.realtime.gateway.event.ChannelName;
import io.realtime.gateway.event.ErrorCode;
import io.realtime.gateway.event.EventDraft;
import io.realtime.gateway.event.InvalidInputException;
import io.realtime.gateway.event.LimitException;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
    /** Evaluations running per user (a subject or an address); a user with none has no entry. */
    private final java.util.Map<String, Integer> perUser = new ConcurrentHashMap<>();

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
     * One evaluation's place: its channel, whose slot it holds, and whether that slot is back. A
     * reservation is either {@link #run} or {@link #abandon}ed, and gives its slot back once.
     */
    public static final class Reservation {
        private final ChannelName channel;
        private final String user;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        private Reservation(ChannelName channel, String user) {
            this.channel = channel;
            this.user = user;
        }

        public ChannelName channel() {
            return channel;
        }

        /** The evaluation's id: its channel's name after {@code council:}. */
        public String id() {
            return channel.value().substring("council:".length());
        }
    }

    /**
     * Reserves an evaluation and names its channel, so that a viewer can subscribe before
     * {@link #run} publishes anything. Refused with 503 when no provider is configured, and with 429
     * when the user runs {@code gateway.council.max-per-user} evaluations already or the instance
     * {@code gateway.council.max-concurrent}. A reserved evaluation is either run or {@link #abandon}ed.
     *
     * @param user who asks: a token's subject, else the caller's address (DESIGN §7)
     */
    public Reservation open(String user) {
        if (settings.providers().isEmpty()) {
            throw new InvalidInputException(ErrorCode.UNAVAILABLE, "No AI provider is configured, so no evaluation "
                    + "can be made: set gateway.council.providers and each provider's base-url, api-key and model");
        }
        boolean[] mine = new boolean[1];
        perUser.compute(user, (u, n) -> {
            int held = n == null ? 0 : n;
            if (held >= settings.maxPerUser()) {
                return n;
            }
            mine[0] = true;
            return held + 1;
        });
        if (!mine[0]) {
            throw new LimitException("council_per_user", settings.maxPerUser()
                    + " of your evaluations are running already (gateway.council.max-per-user)");
        }
        if (!running.tryAcquire()) {
            leave(user);
            throw new LimitException("council_concurrent",
                    settings.maxConcurrent() + " evaluations are running already (gateway.council.max-concurrent)");
        }
        return new Reservation(core.channel("council:" + UUID.randomUUID()), user);
    }

    /** Gives back a reservation that will not run (its viewer could not be opened). */
    public void abandon(Reservation reservation) {
        release(reservation);
    }

    private void release(Reservation reservation) {
        if (reservation.released.compareAndSet(false, true)) {
            running.release();
            leave(reservation.user);
        }
    }

    private void leave(String user) {
        perUser.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    /** How many evaluations hold a slot now (for the tests' and operators' eyes: stats). */
    public int runningCount() {
        return settings.maxConcurrent() - running.availablePermits();
    }

    /**
     * Asks every provider; what they answer is published on the reservation's channel as it comes.
     * The evaluation ends, with exactly one {@code ai_score} and its slot given back once, when every
     * provider has answered or failed: also when its time budget is spent, and when no one has
     * watched it for {@code gateway.council.unwatched-grace-ms} (its calls are then stopped).
     */
    public void run(Reservation reservation, Prompt prompt) {
        ChannelName channel = reservation.channel();
        List<ProviderSettings> providers = settings.providers();
        Evaluation evaluation = new Evaluation(providers);
        Run run = new Run(reservation, evaluation);
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
                    finish(run);
                }
            }

            @Override
            public void failed(ProviderSettings provider, String message) {
                publish(channel, "ai_error", new AiError(provider.name(), message));
                if (evaluation.failed(provider)) {
                    finish(run);
                }
            }
        };
        for (ProviderSettings provider : providers) {
            run.calls.add(new ProviderCall(provider, listener));
        }
        calls.addAll(run.calls);
        long deadline = System.nanoTime() + settings.timeBudget().toNanos();
        long everyMs = Math.max(100, Math.min(1000, settings.unwatchedGrace().toMillis() / 2));
        run.watcher = scheduler.scheduleWithFixedDelay(() -> watch(run), everyMs, everyMs, TimeUnit.MILLISECONDS);
        for (ProviderCall call : run.calls) {
            call.start(client, prompt, settings.maxTokens(), scheduler, deadline, settings.maxAttempts());
        }
    }

    /** An evaluation running: what ends it, once. */
    private static final class Run {
        final Reservation reservation;
        final Evaluation evaluation;
        final List<ProviderCall> calls = new ArrayList<>();
        final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        volatile ScheduledFuture<?> watcher;
        /** When the evaluation was first seen with no viewer, or 0 while someone watches. */
        volatile long unwatchedSince;

        Run(Reservation reservation, Evaluation evaluation) {
            this.reservation = reservation;
            this.evaluation = evaluation;
        }
    }

    /**
     * Stops an evaluation no one has watched for the grace period (its viewers on this instance:
     * SSE streams and WebSocket subscriptions of its channel), so that a viewer who left does not
     * keep paying providers and holding a slot; a viewer who reconnects within the grace resumes it.
     */
    private void watch(Run run) {
        if (run.finished.get()) {
            return;
        }
        long now = System.nanoTime();
        if (core.subscriberCount(run.reservation.channel()) > 0) {
            run.unwatchedSince = 0;
            return;
        }
        if (run.unwatchedSince == 0) {
            run.unwatchedSince = now;
        } else if (now - run.unwatchedSince >= settings.unwatchedGrace().toNanos()) {
            LOG.info("AI council evaluation " + run.reservation.id() + " stopped: no one has watched it for "
                    + settings.unwatchedGrace().toMillis() + " ms");
            for (ProviderCall call : run.calls) {
                call.stop("stopped: no one was watching the evaluation");
            }
        }
    }

    private void finish(Run run) {
        if (!run.finished.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> w = run.watcher;
        if (w != null) {
            w.cancel(false);
        }
        // The slot is back before the score is out: whoever sees ai_score may start the next one.
        release(run.reservation);
        calls.removeAll(run.calls);
        publish(run.reservation.channel(), SCORE, run.evaluation.verdict());
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
