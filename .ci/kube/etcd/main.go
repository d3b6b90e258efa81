// Command etcd is the etcd server, built from go.etcd.io/etcd/server/v3 at
// the version pinned in go.mod; it does what etcd's own main does
// (go.etcd.io/etcd/server/v3/main.go in the etcd repository).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
