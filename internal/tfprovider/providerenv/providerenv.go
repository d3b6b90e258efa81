// Package providerenv names the environment the test provider reads. It
// has no dependencies, so driftd's demo can set the variables without
// linking the provider (and its plugin framework) into the daemon.
package providerenv

// Environment read by the test provider, like the real providers' OKTA_*.
const (
	OktaURL   = "DRIFTD_TESTPROVIDER_OKTA_URL" // base URL of the Okta simulator
	OktaToken = "OKTA_API_TOKEN"               // the simulator's SSWS token
	K8sDir    = "DRIFTD_TESTPROVIDER_K8S_DIR"  // where config maps are stored
)
