# The gateway on the official Open Liberty image (features + configure scripts pattern).
# Build the WAR first: mvn -q package -DskipTests; then: docker build -t realtime-gateway .
# Not built in this project's CI (no Docker engine there): checked by reading only.
FROM openliberty/open-liberty:kernel-slim-java17-openj9-ubi

# Server configuration first, so the feature layer is cached until server.xml changes.
COPY --chown=1001:0 src/main/liberty/config/ /config/
RUN features.sh

COPY --chown=1001:0 target/realtime-gateway.war /config/apps/realtime-gateway.war

# Ports and Redis come from the environment at run time: HTTP_PORT, HTTPS_PORT, REDIS_URL.
EXPOSE 9080 9443
RUN configure.sh
