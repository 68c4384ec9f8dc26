package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/entitled-dev/entitled/internal/slapdtest"
)

// docLDAPAddr is the slapd address docs/connectors.md's LDAP example uses.
const docLDAPAddr = "127.0.0.1:40799"

// TestConnectorsLDAPExample runs docs/connectors.md's LDAP example as
// written against a throwaway slapd whose access rules are the documented
// ones (<!-- ldap-example acl -->), loaded with the documented entries
// (<!-- ldap-example ldif -->, through ldapadd as the directory's
// administrator), and a real `entitled serve`: the service account must
// bind, read and write with those rules, and every answer must match the
// documented one.
func TestConnectorsLDAPExample(t *testing.T) {
	requireTools(t, "bash", "curl", "jq", "ldapadd")
	blocks := docBlocks(t, "../docs/connectors.md", "ldap-example")
	var acl, ldif string
	for _, b := range blocks {
		switch b.Role {
		case "acl":
			acl = b.Text
		case "ldif":
			ldif = b.Text
		}
	}
	if acl == "" || ldif == "" {
		t.Fatal("docs/connectors.md: the LDAP example needs an acl and an ldif block")
	}
	ldap := slapdtest.StartEmpty(t, acl)
	w := newWalk(t)
	w.addrs[docLDAPAddr] = ldap.Addr
	if err := os.WriteFile(filepath.Join(w.dir, "seed.ldif"), []byte(ldif+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	copyFile(t, binary, filepath.Join(w.dir, "entitled"))
	setup := docBlock{Role: "run", Line: 0, Text: strings.Join([]string{
		"ldapadd -x -H ldap://" + docLDAPAddr + "/ -D " + slapdtest.RootDN + " -w '" + slapdtest.RootPassword + "' -f seed.ldif >/dev/null",
		"./entitled secrets keygen > entitled.key",
		"./entitled admin create --upn admin@example.com --display-name Admin >/dev/null",
		"./entitled serve --secret-key-file entitled.key",
		"E=http://" + docEntitledAddr,
		"EM=$E/v1.0/identityGovernance/entitlementManagement",
		"ADMIN=$(./entitled token issue --upn admin@example.com 2>/dev/null)",
	}, "\n")}
	w.run(setup)
	w.replay("../docs/connectors.md", blocks, nil)
}
