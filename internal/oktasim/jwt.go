package oktasim

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// clientAssertion is a parsed compact JWS. okta-sdk-golang v2.20.0 signs it
// with go-jose RS256, kid in the header when a key id is configured
// (okta/requestExecutor.go CreateKeySigner, CreateClientAssertion).
type clientAssertion struct {
	header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	claims    assertionClaims
	signed    string
	signature []byte
}

type assertionClaims struct {
	Iss string          `json:"iss"`
	Sub string          `json:"sub"`
	Aud json.RawMessage `json:"aud"`
	Exp int64           `json:"exp"`
	Iat int64           `json:"iat"`
}

// audience reports whether aud (a string or an array) names want.
func (c assertionClaims) audience(want string) bool {
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		return one == want
	}
	var many []string
	if json.Unmarshal(c.Aud, &many) == nil {
		for _, a := range many {
			if a == want {
				return true
			}
		}
	}
	return false
}

func parseJWT(s string) (*clientAssertion, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, errors.New("a JWS has three parts")
	}
	var j clientAssertion
	for i, dst := range []any{&j.header, &j.claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			return nil, fmt.Errorf("decoding part %d: %w", i, err)
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return nil, fmt.Errorf("reading part %d: %w", i, err)
		}
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("decoding the signature: %w", err)
	}
	j.signed, j.signature = parts[0]+"."+parts[1], sig
	return &j, nil
}

func (j *clientAssertion) verify(key *rsa.PublicKey) error {
	if j.header.Alg != "RS256" {
		return fmt.Errorf("alg %q is not RS256", j.header.Alg)
	}
	sum := sha256.Sum256([]byte(j.signed))
	return rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], j.signature)
}

// pickKey finds the key kid names; without a kid, the app's only key.
func pickKey(set *JWKS, kid string) (*rsa.PublicKey, bool) {
	if set == nil {
		return nil, false
	}
	var cands []JWK
	for _, k := range set.Keys {
		if kid == "" || k.Kid == kid {
			cands = append(cands, k)
		}
	}
	if len(cands) != 1 {
		return nil, false
	}
	n, err1 := base64.RawURLEncoding.DecodeString(cands[0].N)
	e, err2 := base64.RawURLEncoding.DecodeString(cands[0].E)
	if err1 != nil || err2 != nil {
		return nil, false
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, true
}
