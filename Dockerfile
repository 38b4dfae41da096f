# syntax=docker/dockerfile:1.7
# Muninn: a static, non-root image with a data volume for the built-in stores.
#
#   docker build -t muninn .
#   docker run -p 8080:8080 -v muninn-data:/var/lib/muninn \
#     -v $PWD/muninn.yaml:/etc/muninn/config.yaml:ro muninn     # your config (listen 0.0.0.0:8080)
#
# The build stage runs the same `go build` as the tests (appliance/dockerfile_test.go
# extracts this command and runs it; appliance/binary_test.go builds the binary every
# appliance test runs with it).

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/muninn ./cmd/muninn
RUN mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/muninn /usr/local/bin/muninn
COPY --from=build --chown=65532:65532 /out/data /var/lib/muninn
USER 65532:65532
ENV MUNINN_DATA_DIR=/var/lib/muninn
VOLUME ["/var/lib/muninn"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/muninn", "healthcheck", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/muninn"]
CMD ["-config", "/etc/muninn/config.yaml"]
