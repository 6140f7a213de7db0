# The gateway on the official Open Liberty image (its pattern: server configuration, features.sh, the
# application, configure.sh). Only the features server.xml names are installed onto the kernel.
#   mvn -q package -DskipTests && docker build -t realtime-gateway .
# Not built where this project is built and tested (no container engine there): DeploymentFilesIT checks
# that every file copied here exists after `mvn package` and that .dockerignore lets it through.
# The Liberty release the build tests (pom.xml, openliberty.version): the image runs the runtime the tests
# ran, not whatever release is current. Move both together (README, Operations); DockerImageVersionTest
# fails when they differ. The UBI images are published to IBM Container Registry only since 25.0.0.x.
ARG LIBERTY_VERSION=26.0.0.3
FROM icr.io/appcafe/open-liberty:${LIBERTY_VERSION}-kernel-slim-java17-openj9-ubi

# Server configuration first, so the feature layer stays cached until server.xml changes.
COPY --chown=1001:0 src/main/liberty/config/server.xml /config/server.xml
RUN features.sh

COPY --chown=1001:0 target/realtime-gateway.war /config/apps/realtime-gateway.war

# Ports, Redis and every gateway setting come from the environment at run time: HTTP_PORT, HTTPS_PORT,
# REDIS_URL, GATEWAY_* (README, Configuration); WLP_LOGGING_CONSOLE_FORMAT=JSON for JSON log lines.
# Probes: /health/started, /health/live, /health/ready; Prometheus: /metrics (deploy/k8s/gateway.yaml).
EXPOSE 9080 9443
RUN configure.sh
