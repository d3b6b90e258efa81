#!/usr/bin/env bash
# Builds the real kube-apiserver and etcd that internal/kubetest runs (through
# controller-runtime's envtest) into $HOME/.cache/driftd/kube, from the Go
# module proxy alone: no release download site is reachable from CI.
#
#   apiserver/  wrapper module requiring k8s.io/kubernetes (about 10 minutes
#               of CPU on 2 cores)
#   etcd/       wrapper module requiring go.etcd.io/etcd/server/v3 (about a
#               minute)
#
# Idempotent: a binary is rebuilt only when it is missing or its stamp file
# (NAME.version) does not name the pinned version. Builds go to a temporary
# name first, so an interrupted build never leaves a half-written binary.
# Set DRIFTD_KUBE_DIR to build somewhere else.
set -euo pipefail
cd "$(dirname "$0")"

KUBE_VERSION=v1.37.2
ETCD_VERSION=v3.6.16
DEST="${DRIFTD_KUBE_DIR:-$HOME/.cache/driftd/kube}"
mkdir -p "$DEST"

# The versions here must match the wrappers' go.mod files.
grep -q "k8s.io/kubernetes $KUBE_VERSION\$" apiserver/go.mod
grep -q "go.etcd.io/etcd/server/v3 $ETCD_VERSION\$" etcd/go.mod

# build NAME VERSION DIR PACKAGE [LDFLAGS...]
build() {
  local name=$1 version=$2 dir=$3 pkg=$4 ldflags=$5
  if [ -x "$DEST/$name" ] && [ "$(cat "$DEST/$name.version" 2>/dev/null)" = "$version" ]; then
    echo "$name $version already built in $DEST"
    return
  fi
  echo "--- building $name $version into $DEST"
  local start=$SECONDS
  (cd "$dir" && CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false" nice -n 10 \
    go build -trimpath -ldflags "-s -w $ldflags" -o "$DEST/$name.tmp" "$pkg")
  mv -f "$DEST/$name.tmp" "$DEST/$name"
  echo "$version" > "$DEST/$name.version"
  echo "$name built in $((SECONDS - start))s ($(du -h "$DEST/$name" | cut -f1))"
}

# kube-apiserver reports its version from these variables; hack/lib/version.sh
# in the kubernetes repository (kube::version::ldflags) sets them in both
# packages the same way for a release build.
minor=${KUBE_VERSION#v1.}; minor=${minor%%.*}
kube_ldflags=""
for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
  kube_ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
done
build kube-apiserver "$KUBE_VERSION" apiserver k8s.io/kubernetes/cmd/kube-apiserver "$kube_ldflags"
build etcd "$ETCD_VERSION" etcd . ""

"$DEST/kube-apiserver" --version
"$DEST/etcd" --version | sed -n 1p
