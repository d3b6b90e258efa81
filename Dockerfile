# syntax=docker/dockerfile:1
#
# driftd: a static binary (and its Helm renderer and its demo) plus a pinned Terraform, on an empty
# base, run as a non-root user with a read-only root file system (state on a volume).
#
#   docker build -t ghcr.io/OWNER/driftd:0.1.0 --build-arg VERSION=0.1.0 .
#   docker push ghcr.io/OWNER/driftd:0.1.0
#
# driftd, the program the image runs, links no simulator. driftd-demo beside
# it is the same command built with the demo tag; `driftd demo` and `driftd
# sim` run it, so the image plays the demo with no credentials:
#
#   docker run --rm ghcr.io/OWNER/driftd:0.1.0 demo
#
# No Terraform provider ships in the image: `terraform init` installs the
# workspace's providers from the registry, or from a filesystem mirror you
# mount and name in TF_CLI_CONFIG_FILE (README, "Getting the providers").
# Without a provider, the image's `driftd demo` runs in alert mode.
#
# The Go image is pinned by digest (the comment above it names the tag);
# refresh both together: docker buildx imagetools inspect golang:1.26.8-bookworm

# golang:1.26.8-bookworm
ARG GO_IMAGE=golang:1.26.8-bookworm@sha256:a688600ca24f8a4d3ca77f95b0dd40704a9fc787c826660eb7ba0b641b8b175d

# Terraform is pinned and built from source, as .ci/run does, so the image
# needs no download site. Its own stage, before any of driftd's source is
# copied, so a source change never rebuilds it.
FROM ${GO_IMAGE} AS terraform
ARG TERRAFORM_VERSION=1.5.7
RUN CGO_ENABLED=0 GOBIN=/out go install -trimpath github.com/hashicorp/terraform@v${TERRAFORM_VERSION}

FROM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=devel
# Exactly the builds .ci/run checks: static, trimmed paths, version stamped.
# driftd is built without tags (-tags= also overrides any in GOFLAGS): it
# links no simulator. driftd-helm-render renders W&B's chart for a
# helm_release in Terraform state; driftd-demo is cmd/driftd with the demo
# tag, which `driftd demo` and `driftd sim` run. driftd finds both beside
# itself in /usr/local/bin.
RUN CGO_ENABLED=0 go build -trimpath -tags= \
      -ldflags "-s -w -X github.com/driftd/driftd/daemon.Version=${VERSION}" \
      -o /out/ ./cmd/driftd ./cmd/driftd-helm-render \
 && CGO_ENABLED=0 go build -trimpath -tags demo \
      -ldflags "-s -w -X github.com/driftd/driftd/daemon.Version=${VERSION}" \
      -o /out/driftd-demo ./cmd/driftd
RUN mkdir -p /out/state /out/tmp

FROM scratch
ARG VERSION=devel
LABEL org.opencontainers.image.title="driftd" \
      org.opencontainers.image.description="Keeps a W&B server's Okta SSO wiring where it was declared: detects drift, alerts on Slack, fixes through Terraform." \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/driftd /usr/local/bin/driftd
COPY --from=build /out/driftd-helm-render /usr/local/bin/driftd-helm-render
COPY --from=build /out/driftd-demo /usr/local/bin/driftd-demo
COPY --from=terraform /out/terraform /usr/local/bin/terraform
COPY --from=build --chown=65532:65532 /out/state /var/lib/driftd
COPY --from=build --chown=65532:65532 /out/tmp /tmp
# DRIFTD_HEALTHCHECK_URL is what `driftd healthcheck` probes: set it to the
# port of server.listen when that is not 8080 (docker run -e ...).
ENV PATH=/usr/local/bin \
    HOME=/tmp \
    TMPDIR=/tmp \
    DRIFTD_TERRAFORM=/usr/local/bin/terraform \
    DRIFTD_HEALTHCHECK_URL=http://127.0.0.1:8080/healthz \
    TF_IN_AUTOMATION=1 \
    CHECKPOINT_DISABLE=1
USER 65532:65532
VOLUME ["/var/lib/driftd"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/driftd", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/driftd"]
CMD ["serve", "--config", "/etc/driftd/driftd.yaml"]
