package source

import (
	"errors"
	"fmt"

	"github.com/okta/okta-sdk-golang/v2/okta"
)

// featureOffCode is Okta's error for a call to an API whose feature the org
// does not have, answered with 401 although the token is good: recorded
// for a Classic org without API Access Management on
// /api/v1/authorizationServers (okta/terraform-provider-okta v6.12.0
// test/fixtures/vcr/idaas/TestAccResourceOktaAuthServerDefault_crud/classic-00.yaml:
// "You do not have permission to access the feature you are requesting").
const featureOffCode = "E0000015"

// featureOff explains an E0000015 answer, or returns nil: a new token would
// not help, the org needs the feature.
func featureOff(what, objects, org string, err error) error {
	var oe *okta.Error
	if !errors.As(err, &oe) || oe.ErrorCode != featureOffCode {
		return nil
	}
	return fmt.Errorf("%s: the org %s does not have the feature that serves %s (401 %s, %q): the API token is not at fault; "+
		"ask Okta or the org's admin to enable it (custom authorization servers need API Access Management), or stop configuring driftd to read them",
		what, org, objects, featureOffCode, BoundMessage(oe.ErrorSummary, 120))
}
