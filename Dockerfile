# syntax=docker/dockerfile:1
#
# Dealgate image: `docker build -t dealgate --build-arg VERSION=$(git describe --always --dirty) .`
# The app needs DATABASE_URL; `serve` applies migrations at start.
# See docker-compose.yml for a ready-made app + Postgres pair.

# ---- build stage --------------------------------------------------------------
FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/dealgate ./cmd/dealgate

# ---- runtime stage ------------------------------------------------------------
# debian-slim rather than distroless: the HEALTHCHECK needs an HTTP client
# (wget), and the binary has no health-probe subcommand of its own.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata wget \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 65532 nonroot \
    && useradd --system --uid 65532 --gid nonroot --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin nonroot
COPY --from=build /out/dealgate /dealgate
USER nonroot:nonroot
ENV DEALGATE_LISTEN_ADDR=:8080
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/dealgate"]
CMD ["serve"]
