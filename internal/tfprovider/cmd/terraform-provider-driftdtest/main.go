// Command terraform-provider-driftdtest serves driftd's test provider. It is
// installed as terraform-provider-okta and terraform-provider-kubernetes; the
// name it runs under picks which provider it serves.
package main

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/driftd/driftd/internal/tfprovider"
)

func main() {
	name := "okta"
	address := "registry.terraform.io/okta/okta"
	if strings.Contains(filepath.Base(os.Args[0]), "kubernetes") {
		name, address = "kubernetes", "registry.terraform.io/hashicorp/kubernetes"
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &tfprovider.Provider{Name: name} },
		providerserver.ServeOpts{Address: address})
	if err != nil {
		log.Fatal(err)
	}
}
