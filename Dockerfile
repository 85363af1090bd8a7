# vtrbot as a container: a static binary (scripts/build.sh, the same flags as
# a release) on distroless/static, running as a non-root user, with the SQLite
# database on the /data volume. Build and run:
#
#   docker build --build-arg VERSION=$(git describe --tags --always) --build-arg COMMIT=$(git rev-parse HEAD) -t vtrbot .
#   docker run --env-file .env -v vtrbot-data:/data vtrbot            # bot run
#   docker run --rm --env-file .env -v vtrbot-data:/data vtrbot doctor
#
# deploy/compose.yaml runs it with PostgreSQL.

ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
# Modules first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
ARG COMMIT=unknown
RUN VERSION=${VERSION} COMMIT=${COMMIT} scripts/build.sh /out/bot && mkdir /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/bot /usr/local/bin/bot
# The volume's first mount copies this directory's owner: nonroot (65532).
COPY --from=build --chown=65532:65532 /out/data /data
ENV DATABASE_URL=/data/vtrbot.db
# .env is read from the working directory; an env file or -e is the usual way.
WORKDIR /data
VOLUME /data
USER 65532:65532
# HTTP_ADDR=:8080 (Slack HTTP mode) or METRICS_ADDR=:9090 (metrics only).
EXPOSE 8080 9090
ENTRYPOINT ["/usr/local/bin/bot"]
CMD ["run"]
