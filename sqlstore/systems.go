package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/entitled-dev/entitled"
)

type jsonRetry struct {
	MaxAttempts    int    `json:"maxAttempts"`
	InitialBackoff string `json:"initialBackoff"`
	MaxBackoff     string `json:"maxBackoff"`
}

func encodeRetry(p entitled.RetryPolicy) string {
	b, _ := json.Marshal(jsonRetry{MaxAttempts: p.MaxAttempts, InitialBackoff: entitled.FormatISODuration(p.InitialBackoff),
		MaxBackoff: entitled.FormatISODuration(p.MaxBackoff)})
	return string(b)
}

// decodeRetry reads a stored retry policy; an empty document is the default.
func decodeRetry(s string) (entitled.RetryPolicy, error) {
	if s == "" || s == "{}" {
		return entitled.DefaultRetryPolicy, nil
	}
	var j jsonRetry
	if err := json.Unmarshal([]byte(s), &j); err != nil {
		return entitled.RetryPolicy{}, err
	}
	p := entitled.DefaultRetryPolicy
	if j.MaxAttempts > 0 {
		p.MaxAttempts = j.MaxAttempts
	}
	var err error
	if j.InitialBackoff != "" {
		if p.InitialBackoff, err = entitled.ParseISODuration(j.InitialBackoff); err != nil {
			return entitled.RetryPolicy{}, err
		}
	}
	if j.MaxBackoff != "" {
		if p.MaxBackoff, err = entitled.ParseISODuration(j.MaxBackoff); err != nil {
			return entitled.RetryPolicy{}, err
		}
	}
	return p, nil
}

// systemFields are the filterable properties of connected systems.
var systemFields = columnFields("id, name, kind", nil)

var systemName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

func checkSystemName(name string) error {
	if !systemName.MatchString(name) || strings.EqualFold(name, entitled.OriginSystemAadGroup) {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "name",
			Message: "name " + quoteStr(name) + " must be 1-63 letters, digits, '.', '_' or '-', start with a letter or digit, and not be AadGroup"}).WithKey("err.system.badName", "Name", name)
	}
	return nil
}

// canReadSystems: reading a connected system (its address, settings,
// resources and connection test) is managing it, for Global and Identity
// Governance Administrators only (OpManageSystems). Owners of a catalog a
// system is delegated to may browse its resources (SystemResources).
func canReadSystems(a *entitled.Actor) error {
	return a.Authorize(entitled.OpManageSystems, "")
}

// redacted returns a copy of sys whose config has no secrets.
func (s *SystemService) redacted(sys *entitled.ConnectedSystem) *entitled.ConnectedSystem {
	out := *sys
	kind, _ := kindOf(s.connectors, sys.Kind)
	out.Config = entitled.RedactedConfig(kind, sys.Config)
	if kind == nil {
		// An unknown kind: we cannot tell its secrets, so show no values.
		out.Config = map[string]any{}
		for k := range sys.Config {
			out.Config[k+"Set"] = true
		}
	}
	return &out
}

// knownKinds lists the registry's kinds (when it can tell) for error messages.
func (s *SystemService) knownKinds() string {
	if l, ok := s.connectors.(interface{ Kinds() []string }); ok {
		names := append([]string(nil), l.Kinds()...)
		sort.Strings(names)
		return strings.Join(names, ", ")
	}
	var names []string
	for _, k := range []string{"directory", "webhook", "ldap", "scim", "postgres"} {
		if _, ok := kindOf(s.connectors, k); ok {
			names = append(names, k)
		}
	}
	if len(names) == 0 {
		return "(none: this server has no connector kinds configured)"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// findSystem loads a system by id or name (case-insensitive).
func (s *SystemService) findSystem(ctx context.Context, t *tx, idOrName string) (*entitled.ConnectedSystem, error) {
	sys, err := t.db.scanSystem(t.queryRow(ctx, `SELECT `+systemCols+` FROM systems WHERE id = ? OR LOWER(name) = ?`, idOrName, strings.ToLower(idOrName)))
	if err != nil {
		return nil, notFound(err, "connected system", idOrName)
	}
	return sys, nil
}

func (s *SystemService) nameTaken(ctx context.Context, t *tx, name, exceptID string) error {
	ids, err := idList(ctx, t, `SELECT id FROM systems WHERE LOWER(name) = ? AND id <> ?`, strings.ToLower(name), exceptID)
	if err != nil {
		return err
	}
	if len(ids) > 0 {
		return (&entitled.Error{Kind: entitled.KindConflict, Code: entitled.CodeConflict, Target: "name",
			Message: "a connected system named " + quoteStr(name) + " already exists"}).WithKey("err.system.nameTaken", "Name", name)
	}
	return nil
}

// CreateSystem adds a connected system (OpManageSystems). The stored config
// keeps its secrets; sys is filled in with them redacted.
func (s *SystemService) CreateSystem(ctx context.Context, sys *entitled.ConnectedSystem) error {
	a, err := authorized(ctx, entitled.OpManageSystems, "")
	if err != nil {
		return err
	}
	if err := checkSystemName(sys.Name); err != nil {
		return err
	}
	kind, ok := kindOf(s.connectors, sys.Kind)
	if !ok {
		return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "kind",
			Message: "kind " + quoteStr(sys.Kind) + " is not known; use one of " + s.knownKinds()}).WithKey("err.system.unknownKind", "Kind", sys.Kind, "Kinds", s.knownKinds())
	}
	sys.Kind = kind.Name()
	if sys.Config == nil {
		sys.Config = map[string]any{}
	}
	dropSecretMarkers(kind, sys.Config)
	if err := validateConfig(kind, sys.Config); err != nil {
		return err
	}
	if sys.Retry == (entitled.RetryPolicy{}) {
		sys.Retry = entitled.DefaultRetryPolicy
	}
	if err := sys.Retry.Validate(); err != nil {
		return err
	}
	if err := checkHealthPolicy(&sys.HealthPolicy); err != nil {
		return err
	}
	cfg, err := s.db.storeConfig(kind, sys.Config)
	if err != nil {
		return err
	}
	return s.db.change(ctx, func(t *tx) error {
		if err := s.nameTaken(ctx, t, sys.Name, ""); err != nil {
			return err
		}
		sys.ID = newID()
		sys.BuiltIn = false
		sys.CreatedDateTime = t.now()
		sys.ModifiedDateTime = sys.CreatedDateTime
		_, err := t.exec(ctx, `INSERT INTO systems (id, name, kind, config, retry, built_in, created_at, modified_at, health_policy) VALUES (?,?,?,?,?,0,?,?,?)`,
			sys.ID, sys.Name, sys.Kind, cfg, encodeRetry(sys.Retry), fmtTime(sys.CreatedDateTime), fmtTime(sys.ModifiedDateTime),
			encodeHealthPolicy(sys.HealthPolicy))
		if isUniqueViolation(err) {
			return s.nameTaken(ctx, t, sys.Name, "")
		}
		if err != nil {
			return err
		}
		if err := s.setSystemCatalogs(ctx, t, sys, sys.DelegatedCatalogIDs); err != nil {
			return err
		}
		*sys = *s.redacted(sys)
		sys.Health = &entitled.SystemHealth{State: entitled.HealthActive}
		return t.audit(ctx, a, auditEntry{Activity: "Create connected system", Operation: "Add", TargetID: sys.ID,
			TargetType: "ConnectedSystem", TargetName: sys.Name, After: sys})
	})
}

// System reads a connected system by id or name, secrets redacted.
func (s *SystemService) System(ctx context.Context, id string) (*entitled.ConnectedSystem, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := canReadSystems(a); err != nil {
		return nil, err
	}
	var sys *entitled.ConnectedSystem
	err = s.db.read(ctx, func(t *tx) (err error) {
		if sys, err = s.findSystem(ctx, t, id); err != nil {
			return err
		}
		if err := s.loadHealths(ctx, t, []*entitled.ConnectedSystem{sys}); err != nil {
			return err
		}
		return t.loadSystemCatalogs(ctx, []*entitled.ConnectedSystem{sys})
	})
	if err != nil {
		return nil, err
	}
	return s.redacted(sys), nil
}

// Systems lists connected systems, secrets redacted, filterable on id, name and kind.
func (s *SystemService) Systems(ctx context.Context, opt entitled.ListOptions) (entitled.Page[entitled.ConnectedSystem], error) {
	a, err := actor(ctx)
	if err != nil {
		return entitled.Page[entitled.ConnectedSystem]{}, err
	}
	if err := canReadSystems(a); err != nil {
		return entitled.Page[entitled.ConnectedSystem]{}, err
	}
	page, err := listRows(ctx, s.db, opt, systemFields, "systems", "id", systemCols, "", nil, func(r scanner) (entitled.ConnectedSystem, error) {
		sys, err := s.db.scanSystem(r)
		if err != nil {
			return entitled.ConnectedSystem{}, err
		}
		return *s.redacted(sys), nil
	}, func(sys entitled.ConnectedSystem) string { return sys.ID })
	if err != nil {
		return page, err
	}
	list := make([]*entitled.ConnectedSystem, len(page.Items))
	for i := range page.Items {
		list[i] = &page.Items[i]
	}
	err = s.db.read(ctx, func(t *tx) error {
		if err := s.loadHealths(ctx, t, list); err != nil {
			return err
		}
		return t.loadSystemCatalogs(ctx, list)
	})
	return page, err
}

// UpdateSystem applies a PATCH (OpManageSystems): config is merged key by
// key (a secret not sent is kept; a null value removes the key) and
// validated again. The built-in directory cannot be renamed.
func (s *SystemService) UpdateSystem(ctx context.Context, id string, upd entitled.SystemUpdate) (*entitled.ConnectedSystem, error) {
	var out *entitled.ConnectedSystem
	err := s.db.changeAuthorized(ctx, entitled.OpManageSystems, "", func(t *tx, a *entitled.Actor) error {
		sys, err := s.findSystem(ctx, t, id)
		if err != nil {
			return err
		}
		if err := t.loadSystemCatalogs(ctx, []*entitled.ConnectedSystem{sys}); err != nil {
			return err
		}
		before := s.redacted(sys)
		if upd.Kind != "" && !strings.EqualFold(upd.Kind, sys.Kind) {
			return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "kind",
				Message: fmt.Sprintf("connected system %s is of kind %s and cannot become %s; create a new system of that kind instead", sys.Name, sys.Kind, upd.Kind)}).WithKey("err.system.kindFixed", "System", sys.Name, "Kind", sys.Kind, "New", upd.Kind)
		}
		if upd.Name != nil && *upd.Name != sys.Name {
			if sys.BuiltIn {
				return (&entitled.Error{Kind: entitled.KindInvalid, Code: entitled.CodeBadRequest, Target: "name",
					Message: "the built-in directory system cannot be renamed"}).WithKey("err.system.directoryNotRenamable")
			}
			if err := checkSystemName(*upd.Name); err != nil {
				return err
			}
			if err := s.nameTaken(ctx, t, *upd.Name, sys.ID); err != nil {
				return err
			}
			sys.Name = *upd.Name
		}
		kind, ok := kindOf(s.connectors, sys.Kind)
		if !ok {
			return entitled.Invalidf("connected system %s has kind %q, which this server does not support", sys.Name, sys.Kind).WithKey("err.system.unsupportedKind", "System", sys.Name, "Kind", sys.Kind)
		}
		for k, v := range upd.Config {
			if entitled.IsMaskedURLEcho(kind, k, v, sys.Config[k]) {
				continue // the masked URL read back: keep the real one
			}
			if v == nil {
				delete(sys.Config, k)
			} else {
				sys.Config[k] = v
			}
		}
		dropSecretMarkers(kind, sys.Config)
		if err := validateConfig(kind, sys.Config); err != nil {
			return err
		}
		if upd.Retry != nil {
			if err := upd.Retry.Validate(); err != nil {
				return err
			}
			sys.Retry = *upd.Retry
		}
		if upd.HealthPolicy != nil {
			if err := checkHealthPolicy(upd.HealthPolicy); err != nil {
				return err
			}
			sys.HealthPolicy = *upd.HealthPolicy
		}
		if upd.DelegatedCatalogIDs != nil {
			if err := s.setSystemCatalogs(ctx, t, sys, *upd.DelegatedCatalogIDs); err != nil {
				return err
			}
		}
		cfg, err := s.db.storeConfig(kind, sys.Config)
		if err != nil {
			return err
		}
		sys.ModifiedDateTime = t.now()
		if _, err := t.exec(ctx, `UPDATE systems SET name = ?, config = ?, retry = ?, modified_at = ?, health_policy = ? WHERE id = ?`,
			sys.Name, cfg, encodeRetry(sys.Retry), fmtTime(sys.ModifiedDateTime), encodeHealthPolicy(sys.HealthPolicy), sys.ID); err != nil {
			if isUniqueViolation(err) {
				return s.nameTaken(ctx, t, sys.Name, sys.ID)
			}
			return err
		}
		out = s.redacted(sys)
		if err := s.loadHealths(ctx, t, []*entitled.ConnectedSystem{out}); err != nil {
			return err
		}
		return t.audit(ctx, a, auditEntry{Activity: "Update connected system", Operation: "Update", TargetID: sys.ID,
			TargetType: "ConnectedSystem", TargetName: sys.Name, Before: before, After: out})
	})
	return out, err
}

// DeleteSystem deletes a connected system (OpManageSystems); 400 for the
// built-in directory, 409 while catalog resources use it.
func (s *SystemService) DeleteSystem(ctx context.Context, id string) error {
	return s.db.changeAuthorized(ctx, entitled.OpManageSystems, "", func(t *tx, a *entitled.Actor) error {
		sys, err := s.findSystem(ctx, t, id)
		if err != nil {
			return err
		}
		if sys.BuiltIn {
			return entitled.Invalidf("the built-in directory system cannot be deleted").WithKey("err.system.directoryNotDeletable")
		}
		if err := conflictIfAny(ctx, t, `SELECT id FROM resources WHERE system_id = ? ORDER BY id LIMIT 5`, []any{sys.ID}, func(used string) error {
			return entitled.Conflictf("connected system %s is used by catalog resources (%s); remove them from their catalogs first",
				sys.Name, used).WithKey("err.system.usedByResources", "System", sys.Name, "Resources", used)
		}); err != nil {
			return err
		}
		return t.deleteRow(ctx, a, "systems", sys.ID, auditEntry{Activity: "Delete connected system", Operation: "Delete", TargetID: sys.ID,
			TargetType: "ConnectedSystem", TargetName: sys.Name, Before: s.redacted(sys)})
	})
}

// kindOf finds a connector kind in the registry; none are known when there
// is no registry.
func kindOf(connectors entitled.Connectors, name string) (entitled.ConnectorKind, bool) {
	if connectors == nil {
		return nil, false
	}
	return connectors.Kind(name)
}

// dropSecretMarkers removes the "<secret>Set" keys that reads write in place
// of secrets: a config read back and sent unchanged must not store them,
// or a secret removed later would still show as set.
func dropSecretMarkers(kind entitled.ConnectorKind, config map[string]any) {
	for _, f := range kind.SecretFields() {
		delete(config, f+"Set")
	}
}
