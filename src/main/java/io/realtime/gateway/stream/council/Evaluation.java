package io.realtime.gateway.stream.council;

import io.realtime.gateway.stream.council.Payloads.AiScore;
import io.realtime.gateway.stream.council.Payloads.ModelScore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One evaluation's tally: which models are still answering, and the scores of those that are done.
 * When the last one is done (scored or failed) the verdict is ready, exactly once: each model
 * leaves {@code open} once (the set's removal says which caller did), and only the caller that
 * takes {@code remaining} to zero is told it was the last. Checking the set for emptiness instead
 * lets two models finishing together both see it empty.
 */
final class Evaluation {

    private final List<ProviderSettings> providers;
    private final Map<String, ModelScore> scores = new ConcurrentHashMap<>();
    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger remaining;

    Evaluation(List<ProviderSettings> providers) {
        this.providers = providers;
        for (ProviderSettings p : providers) {
            open.add(p.name());
        }
        this.remaining = new java.util.concurrent.atomic.AtomicInteger(open.size());
    }

    boolean answering(ProviderSettings provider) {
        return open.contains(provider.name());
    }

    /** @return true when this was the last model to finish */
    boolean scored(ProviderSettings provider, double score) {
        scores.put(provider.name(), new ModelScore(provider.name(), score, provider.weight()));
        return close(provider);
    }

    /** @return true when this was the last model to finish */
    boolean failed(ProviderSettings provider) {
        return close(provider);
    }

    private boolean close(ProviderSettings provider) {
        return open.remove(provider.name()) && remaining.decrementAndGet() == 0;
    }

    /** The weighted mean of the scores and their spread (highest − lowest); nulls when no model scored. */
    AiScore verdict() {
        List<ModelScore> models = new ArrayList<>();
        for (ProviderSettings p : providers) {
            ModelScore s = scores.get(p.name());
            if (s != null) {
                models.add(s);
            }
        }
        if (models.isEmpty()) {
            return new AiScore(null, null, List.of());
        }
        double weighted = 0;
        double weights = 0;
        for (ModelScore s : models) {
            weighted += s.score() * s.weight();
            weights += s.weight();
        }
        double high = models.stream().max(Comparator.comparingDouble(ModelScore::score)).orElseThrow().score();
        double low = models.stream().min(Comparator.comparingDouble(ModelScore::score)).orElseThrow().score();
        return new AiScore(weighted / weights, high - low, models);
    }
}
