package io.realtime.gateway.stream.council;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The council's providers from MicroProfile Config: {@code gateway.council.providers} names them
 * (comma-separated; none by default, and then the council routes answer 503), and each name has
 * {@code gateway.council.<name>.kind}, {@code .base-url}, {@code .api-key}, {@code .model},
 * {@code .weight} and {@code .timeout-ms}. The kind defaults to the name when the name is a kind
 * ({@code openai}, {@code anthropic}, {@code gemini}; {@code perplexity} is {@code openai}), and
 * the base URL to the kind's public API.
 *
 * @param maxPerUser    evaluations one user (a token's subject, else an address) may run at once
 * @param maxFormBytes  the largest form body a council route reads; a longer one is refused unread
 * @param timeBudget    how long an evaluation may take in all, retries included
 * @param maxAttempts   requests per provider and evaluation: the first and its retries after a 429 or 503,
 *                      or after a connection closed before any answer
 * @param unwatchedGrace how long an evaluation goes on with no viewer, so that a reconnect can resume it
 */
public record CouncilSettings(List<ProviderSettings> providers, int maxTokens, int maxConcurrent, int maxInputChars,
                              int maxPerUser, int maxFormBytes, Duration timeBudget, int maxAttempts,
                              Duration unwatchedGrace) {

    private static final Logger LOG = Logger.getLogger(CouncilSettings.class.getName());

    static CouncilSettings from(Function<String, Optional<String>> config) {
        List<ProviderSettings> providers = new ArrayList<>();
        for (String name : config.apply("gateway.council.providers").orElse("").split(",")) {
            String n = name.trim();
            if (n.isEmpty()) {
                continue;
            }
            try {
                providers.add(provider(n, config));
            } catch (IllegalArgumentException e) {
                // A provider that cannot work is left out loudly, not half-used.
                LOG.severe("AI council provider '" + n + "' left out: " + e.getMessage());
            }
        }
        return new CouncilSettings(List.copyOf(providers),
                Integer.parseInt(required(config, "gateway.council.max-tokens")),
                Integer.parseInt(required(config, "gateway.council.max-concurrent")),
                Integer.parseInt(required(config, "gateway.council.max-input-chars")),
                Integer.parseInt(required(config, "gateway.council.max-per-user")),
                Integer.parseInt(required(config, "gateway.council.max-form-bytes")),
                Duration.ofMillis(Long.parseLong(required(config, "gateway.council.time-budget-ms"))),
                Math.max(1, Integer.parseInt(required(config, "gateway.council.max-attempts"))),
                Duration.ofMillis(Long.parseLong(required(config, "gateway.council.unwatched-grace-ms"))));
    }

    private static ProviderSettings provider(String name, Function<String, Optional<String>> config) {
        String prefix = "gateway.council." + name + ".";
        String kindText = config.apply(prefix + "kind").orElse("perplexity".equals(name) ? "openai" : name);
        Dialect.Kind kind;
        try {
            kind = Dialect.Kind.valueOf(kindText.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "kind must be openai, anthropic or gemini, not '" + kindText + "'");
        }
        String base = config.apply(prefix + "base-url").orElse(defaultBase(name, kind)).trim();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        URI url = URI.create(base);
        if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
            throw new IllegalArgumentException(prefix + "base-url must be an http(s) URL");
        }
        String key = config.apply(prefix + "api-key").filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(prefix + "api-key is not set"));
        String model = config.apply(prefix + "model").filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(prefix + "model is not set"));
        double weight = Double.parseDouble(config.apply(prefix + "weight").orElse("1"));
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException(prefix + "weight must be a positive number");
        }
        long timeoutMs = Long.parseLong(config.apply(prefix + "timeout-ms").orElse("30000").trim());
        return new ProviderSettings(name, kind, url, key.trim(), model.trim(), weight, Duration.ofMillis(timeoutMs));
    }

    private static String defaultBase(String name, Dialect.Kind kind) {
        if ("perplexity".equals(name)) {
            return "https://api.perplexity.ai";
        }
        return switch (kind) {
            case OPENAI -> "https://api.openai.com/v1";
            case ANTHROPIC -> "https://api.anthropic.com/v1";
            case GEMINI -> "https://generativelanguage.googleapis.com/v1beta";
        };
    }

    private static String required(Function<String, Optional<String>> config, String key) {
        return config.apply(key).orElseThrow(() -> new IllegalStateException("missing configuration key " + key)).trim();
    }
}
