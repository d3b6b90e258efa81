// Command terraform-provider-driftdtest serves driftd's test provider. It is
// installed as terraform-provider-okta, -kubernetes and -helm; the
// name it runs under picks which provider it serves.
package main

import (
	"log"
	"os"

	"github.com/driftd/driftd/internal/tfprovider"
)

func main() {
	if _, err := tfprovider.ServeIfInstalled(os.Args[0]); err != nil {
		log.Fatal(err)
	}
}
