package graphexamples

import (
	"encoding/json"
	"testing"
)

// sdkHeaders are the headers msgraph-sdk-go sends with a body: its
// compression handler gzips every request body.
var sdkHeaders = []string{"Content-Encoding", "gzip", "User-Agent", "kiota-go/1.8.0", "SdkVersion", "graph-go/1.64.0, graph-go-core/1.2.1",
	"client-request-id", "6a5b7c2e-0f3d-4f1e-9a8b-1c2d3e4f5a6b", "Accept", "application/json"}

// sdkBody is v as msgraph-sdk-go serializes it, gzip-compressed.
func sdkBody(t *testing.T, v map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return Gzip(t, string(b))
}

// sdkExamples send what msgraph-sdk-go sends for creating a policy, a
// request and an incompatible package: gzip bodies, @odata.type on every
// object the SDK models (set by their constructors), properties the SDK
// carries as additional data (assignment.targetId) and ones a newer
// schema adds that entitled does not know (ignored, as Graph ignores them).
func (w *examplesWorld) sdkExamples(t *testing.T) []graphExample {
	const doc = "msgraph-sdk-go request shape"
	typed := func(typ string, m map[string]any) map[string]any {
		m["@odata.type"] = "#microsoft.graph." + typ
		return m
	}
	return []graphExample{
		{name: "SDK: create a policy", doc: doc, method: "POST", path: em + "/assignmentPolicies", hdr: sdkHeaders, status: 201,
			body: func() any {
				return sdkBody(t, typed("accessPackageAssignmentPolicy", map[string]any{
					"displayName": "SDK policy", "description": "made by the Go SDK", "allowedTargetScope": "allMemberUsers",
					"accessPackage": typed("accessPackage", map[string]any{"id": w.apC}),
					"expiration":    typed("expirationPattern", map[string]any{"type": "noExpiration"}),
					"requestorSettings": typed("accessPackageAssignmentRequestorSettings", map[string]any{
						"enableTargetsToSelfAddAccess": false, "enableOnBehalfRequestorsToAddAccess": false, "onBehalfRequestors": []any{}}),
					"requestApprovalSettings": typed("accessPackageAssignmentApprovalSettings", map[string]any{
						"isApprovalRequiredForAdd": true, "isRequestorJustificationRequired": false,
						"stages": []any{typed("accessPackageApprovalStage", map[string]any{"durationBeforeAutomaticDenial": "P2D",
							"primaryApprovers": []any{typed("singleUser", map[string]any{"userId": w.alice, "description": "Alice"})}})}}),
					"reviewSettings": nil, "customExtensionStageSettings": []any{}, "futureSchemaProperty": map[string]any{"x": 1},
				}))
			},
			check: func(t *testing.T, r Response) {
				w.polSDK = str(r.Body["id"])
				stages := list(obj(r.Body["requestApprovalSettings"])["stages"])
				if w.polSDK == "" || len(stages) != 1 || obj(list(obj(stages[0])["primaryApprovers"])[0])["@odata.type"] != "#microsoft.graph.singleUser" {
					t.Errorf("policy %s", r.Raw)
				}
			}},
		{name: "SDK: create a request, targetId as additional data", doc: doc, method: "POST", path: em + "/assignmentRequests", hdr: sdkHeaders, status: 201,
			body: func() any {
				return sdkBody(t, typed("accessPackageAssignmentRequest", map[string]any{
					"requestType": "adminAdd", "justification": "from Go",
					"assignment": typed("accessPackageAssignment", map[string]any{"accessPackageId": w.apC, "assignmentPolicyId": w.polSDK, "targetId": w.adminID}),
					"schedule":   typed("entitlementManagementSchedule", map[string]any{"expiration": typed("expirationPattern", map[string]any{"type": "noExpiration"})}),
					"answers":    []any{}, "futureSchemaProperty": "ignored",
				}))
			},
			check: func(t *testing.T, r Response) {
				if r.Body["state"] != "submitted" || r.Body["requestType"] != "adminAdd" || r.Header.Get("client-request-id") == "" {
					t.Errorf("request %s (client-request-id %q)", r.Raw, r.Header.Get("client-request-id"))
				}
			}},
		{name: "SDK: add an incompatible access package (ReferenceCreate)", doc: doc, method: "POST", hdr: sdkHeaders, status: 204,
			pathOf: func() string { return em + "/accessPackages/" + w.apB + "/incompatibleAccessPackages/$ref" },
			body: func() any {
				return sdkBody(t, map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/identityGovernance/entitlementManagement/accessPackages/" + w.apC})
			}},
		{name: "SDK: a refusal is Graph's error envelope", doc: doc, method: "POST", path: em + "/assignmentRequests", hdr: sdkHeaders, status: 400,
			check: wantErrorCode("BadRequest", "requestType"),
			body: func() any {
				return sdkBody(t, typed("accessPackageAssignmentRequest", map[string]any{"assignment": typed("accessPackageAssignment", map[string]any{"accessPackageId": w.apC})}))
			}},
	}
}
