package connectors

import "testing"

func TestPageTokenRoundTripAndRefusal(t *testing.T) {
	if after, ok := DecodePageToken("ldap1:", EncodePageToken("ldap1:", "cn=a,dc=x")); !ok || after != "cn=a,dc=x" {
		t.Errorf("round trip = %q, %v; want cn=a,dc=x, true", after, ok)
	}
	if after, ok := DecodePageToken("ldap1:", ""); !ok || after != "" {
		t.Errorf("no token = %q, %v; want the first page", after, ok)
	}
	for _, bad := range []string{EncodePageToken("directory1:", "g1"), "not base64!"} {
		if after, ok := DecodePageToken("ldap1:", bad); ok {
			t.Errorf("DecodePageToken(%q) = %q, true; want a refusal", bad, after)
		}
	}
}
