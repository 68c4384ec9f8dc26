package http

import (
	"net/http"
	"strings"

	"github.com/entitled-dev/entitled"
	"github.com/entitled-dev/entitled/odata"
)

// functionCall reads a path segment that calls the named OData function,
// name(key='value',…), into its arguments (keys lower-cased). ok is false
// when the segment calls another name.
func functionCall(seg, name string) (args map[string]string, ok bool, err error) {
	if len(seg) < len(name)+2 || !strings.EqualFold(seg[:len(name)+1], name+"(") || !strings.HasSuffix(seg, ")") {
		return nil, false, nil
	}
	args = map[string]string{}
	body := seg[len(name)+1 : len(seg)-1]
	for _, part := range strings.Split(body, ",") {
		k, v, found := strings.Cut(part, "=")
		v = strings.TrimSpace(v)
		if !found || len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
			return nil, true, entitled.Invalidf("%s: write the arguments as key='value', separated by commas", name).WithKey("err.query.functionArgs", "Function", name)
		}
		args[strings.ToLower(strings.TrimSpace(k))] = strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	}
	return args, true, nil
}

// additionalAccess serves assignments/additionalAccess(accessPackageId='…',
// incompatibleAccessPackageId='…'): the live assignments of the first
// package whose target also holds the second.
func (s *Server) additionalAccess(w http.ResponseWriter, r *http.Request, args map[string]string) error {
	q, err := query(r, "assignment")
	if err != nil {
		return err
	}
	aq := entitled.AssignmentQuery{ListOptions: q.List, AccessPackageID: args["accesspackageid"], IncompatibleAccessPackageID: args["incompatibleaccesspackageid"]}
	if aq.AccessPackageID == "" || aq.IncompatibleAccessPackageID == "" || len(args) != 2 {
		return entitled.Invalidf("additionalAccess takes accessPackageId='…' and incompatibleAccessPackageId='…'").WithKey("err.query.additionalAccessArgs")
	}
	pg, err := s.svc.Assignments.Assignments(r.Context(), aq)
	if err != nil {
		return err
	}
	return writePage(s, w, r, emSet+"assignments", pg, q.Select, func(a entitled.Assignment) (any, error) {
		return nestedOf(q)(s.assignmentOut(r, a, q))
	})
}

// requirementsWire is Graph's accessPackageAssignmentRequestRequirements.
type requirementsWire struct {
	PolicyID                         string         `json:"policyId"`
	PolicyDisplayName                string         `json:"policyDisplayName"`
	PolicyDescription                string         `json:"policyDescription"`
	IsApprovalRequiredForAdd         bool           `json:"isApprovalRequiredForAdd"`
	IsApprovalRequiredForUpdate      bool           `json:"isApprovalRequiredForUpdate"`
	IsRequestorJustificationRequired bool           `json:"isRequestorJustificationRequired"`
	AllowCustomAssignmentSchedule    bool           `json:"allowCustomAssignmentSchedule"`
	Questions                        []questionWire `json:"questions"`
	ExistingAnswers                  []any          `json:"existingAnswers"`
	Schedule                         scheduleWire   `json:"schedule"`
}

// applicablePolicyRequirements serves POST
// accessPackages/{id}/getApplicablePolicyRequirements: what the caller must
// supply to request the package for themself, per policy that lets them.
func (s *Server) applicablePolicyRequirements(w http.ResponseWriter, r *http.Request, p params) error {
	q, err := odata.Parse(r.URL.Query())
	if err != nil {
		return err
	}
	pols, err := s.svc.Policies.RequestablePolicies(r.Context(), p["id"])
	if err != nil {
		return err
	}
	items := make([]any, 0, len(pols))
	for _, pol := range pols {
		pw := toPolicy(pol)
		as := pol.RequestApprovalSettings
		items = append(items, requirementsWire{PolicyID: pol.ID, PolicyDisplayName: pol.DisplayName, PolicyDescription: pol.Description,
			IsApprovalRequiredForAdd: as.IsApprovalRequiredForAdd, IsApprovalRequiredForUpdate: as.IsApprovalRequiredForUpdate,
			IsRequestorJustificationRequired: as.IsRequestorJustificationRequired,
			AllowCustomAssignmentSchedule:    pol.RequestorSettings.AllowCustomAssignmentSchedule,
			Questions:                        pw.Questions, ExistingAnswers: []any{},
			Schedule: scheduleWire{Expiration: pw.Expiration}})
	}
	return s.collection(w, r, "Collection(microsoft.graph.accessPackageAssignmentRequestRequirements)", items, "", nil, q.Select)
}
