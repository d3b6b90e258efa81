# syntax=docker/dockerfile:1
#
# driftd: a static binary plus a pinned Terraform, on an empty base, run as
# a non-root user with a read-only root file system (state on a volume).
#
#   docker build -t driftd .
#   docker run --rm driftd demo

ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
# Exactly the build .ci/run checks: static, trimmed paths, version stamped.
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/driftd/driftd/daemon.Version=${VERSION}" \
      -o /out/driftd ./cmd/driftd
# The demo's Terraform provider lives beside driftd, not inside it, so the
# daemon's binary stays small.
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" \
      -o /out/driftd-demo-provider ./internal/tfprovider/cmd/terraform-provider-driftdtest
# Terraform is pinned and built from source, as .ci/run does, so the image
# needs no download site.
ARG TERRAFORM_VERSION=1.5.7
RUN CGO_ENABLED=0 GOBIN=/out go install -trimpath github.com/hashicorp/terraform@v${TERRAFORM_VERSION}
RUN mkdir -p /out/state /out/tmp

FROM scratch
ARG VERSION=devel
LABEL org.opencontainers.image.title="driftd" \
      org.opencontainers.image.description="Keeps a W&B server's Okta SSO wiring where it was declared: detects drift, alerts on Slack, fixes through Terraform." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/driftd /usr/local/bin/driftd
COPY --from=build /out/driftd-demo-provider /usr/local/bin/driftd-demo-provider
COPY --from=build /out/terraform /usr/local/bin/terraform
COPY --from=build --chown=65532:65532 /out/state /var/lib/driftd
COPY --from=build --chown=65532:65532 /out/tmp /tmp
ENV PATH=/usr/local/bin \
    HOME=/tmp \
    TMPDIR=/tmp \
    DRIFTD_TERRAFORM=/usr/local/bin/terraform \
    TF_IN_AUTOMATION=1 \
    CHECKPOINT_DISABLE=1
USER 65532:65532
VOLUME ["/var/lib/driftd"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/driftd", "healthcheck", "--url", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/driftd"]
CMD ["serve", "--config", "/etc/driftd/driftd.yaml"]
