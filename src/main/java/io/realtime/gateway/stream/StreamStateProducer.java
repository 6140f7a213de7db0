package io.realtime.gateway.stream;

import io.realtime.gateway.redis.RedisEndpoint;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/** The streams' state lives where the events do: in Redis when {@code redis.url} is set, else in memory. */
@ApplicationScoped
public class StreamStateProducer {

    private static final Logger LOG = Logger.getLogger(StreamStateProducer.class.getName());

    @Inject
    Config config;

    @Produces
    @ApplicationScoped
    StreamState state() {
        Optional<RedisEndpoint> redis = RedisEndpoint.from(config);
        StreamState state = redis.<StreamState>map(endpoint -> new FallbackStreamState(new RedisStreamState(endpoint),
                        new MemoryStreamState(System::currentTimeMillis)))
                .orElseGet(() -> new MemoryStreamState(System::currentTimeMillis));
        LOG.info("Product stream state: " + state.kind());
        return state;
    }

    void close(@Disposes StreamState state) throws Exception {
        if (state instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
