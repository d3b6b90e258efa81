//go:build tools

// Package tools pins k8s.io/kubernetes/cmd/kube-apiserver in this module's
// go.mod/go.sum so that `go build k8s.io/kubernetes/cmd/kube-apiserver` run
// in this directory is reproducible. It is never compiled.
package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
