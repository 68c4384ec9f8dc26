package http

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"reflect"
	"strings"
	"sync"
)

// GET /v1.0/$metadata answers a CSDL (OData 4.0 XML) document of what
// entitled serves, anonymous like Graph's: the entity and complex types are
// derived from the wire types the API writes, so the document never claims
// a property the API does not return. Time properties (…DateTime) are
// Edm.DateTimeOffset; values entitled passes through unparsed
// (answers, questions) are Edm.Untyped; input-only fields (csdl:"-") are
// left out.

// metadataPath is the path of the service's CSDL document.
const metadataPath = "/v1.0/$metadata"

// graphNS is the namespace of Graph's types.
const graphNS = "microsoft.graph"

// metaType names a wire type for the document; entity types have an id key.
type metaType struct {
	name   string
	v      any
	entity bool
}

// metadataTypes lists the types of the document, by their Graph names.
var metadataTypes = []metaType{
	{"accessPackageCatalog", catalogWire{}, true},
	{"accessPackage", accessPackageWire{}, true},
	{"accessPackageAssignmentPolicy", policyWire{}, true},
	{"accessPackageAssignmentRequest", requestWire{}, true},
	{"accessPackageAssignment", assignmentWire{}, true},
	{"accessPackageResource", resourceWire{}, true},
	{"accessPackageResourceRole", roleWire{}, true},
	{"accessPackageResourceRoleScope", roleScopeWire{}, true},
	{"accessPackageResourceScope", scopeWire{}, true},
	{"accessPackageResourceRequest", resourceRequestWire{}, true},
	{"accessPackageSubject", subjectWire{}, true},
	{"approval", approvalWire{}, true},
	{"approvalStage", stageWire{}, true},
	{"user", userWire{}, true},
	{"group", groupWire{}, true},
	{"servicePrincipal", servicePrincipalWire{}, true},
	{"unifiedRoleAssignment", roleAssignmentWire{}, true},
	{"unifiedRoleDefinition", roleDefinitionWire{}, true},
	{"directoryAudit", auditWire{}, true},
	{"entitlementManagementSchedule", scheduleWire{}, false},
	{"expirationPattern", expirationWire{}, false},
	{"accessPackageAssignmentRequestorSettings", requestorSettingsWire{}, false},
	{"accessPackageAssignmentApprovalSettings", approvalSettingsWire{}, false},
	{"accessPackageApprovalStage", approvalStageWire{}, false},
	{"subjectSet", subjectSetWire{}, false},
	{"identity", identityWire{}, false},
	{"entityReference", idRef{}, false},
}

// entitlementSets are entitlementManagement's collections and their types.
var entitlementSets = [][2]string{
	{"accessPackages", "accessPackage"}, {"catalogs", "accessPackageCatalog"},
	{"assignmentPolicies", "accessPackageAssignmentPolicy"}, {"assignmentRequests", "accessPackageAssignmentRequest"},
	{"assignments", "accessPackageAssignment"}, {"resourceRequests", "accessPackageResourceRequest"},
	{"resources", "accessPackageResource"}, {"resourceRoleScopes", "accessPackageResourceRoleScope"},
	{"accessPackageAssignmentApprovals", "approval"},
}

type csdlProperty struct {
	Name     string `xml:"Name,attr"`
	Type     string `xml:"Type,attr"`
	Nullable *bool  `xml:"Nullable,attr,omitempty"`
}

type csdlNav struct {
	Name           string `xml:"Name,attr"`
	Type           string `xml:"Type,attr"`
	ContainsTarget bool   `xml:"ContainsTarget,attr,omitempty"`
}

type csdlKey struct {
	Ref struct {
		Name string `xml:"Name,attr"`
	} `xml:"PropertyRef"`
}

type csdlType struct {
	XMLName xml.Name
	Name    string         `xml:"Name,attr"`
	Key     *csdlKey       `xml:"Key,omitempty"`
	Props   []csdlProperty `xml:"Property"`
	Navs    []csdlNav      `xml:"NavigationProperty"`
}

type csdlSet struct {
	XMLName xml.Name
	Name    string `xml:"Name,attr"`
	Type    string `xml:",attr"`
}

type csdlDoc struct {
	XMLName  xml.Name `xml:"edmx:Edmx"`
	Xmlns    string   `xml:"xmlns:edmx,attr"`
	Version  string   `xml:"Version,attr"`
	Services struct {
		Schema struct {
			Xmlns     string     `xml:"xmlns,attr"`
			Namespace string     `xml:"Namespace,attr"`
			Types     []csdlType `xml:",any"`
			Container struct {
				Name string    `xml:"Name,attr"`
				Sets []csdlSet `xml:",any"`
			} `xml:"EntityContainer"`
		} `xml:"Schema"`
	} `xml:"edmx:DataServices"`
}

var (
	metadataOnce sync.Once
	metadataBody []byte
)

// metadataDocument builds the CSDL document once.
func metadataDocument() []byte {
	metadataOnce.Do(func() {
		names := map[reflect.Type]metaType{}
		for _, t := range metadataTypes {
			names[reflect.TypeOf(t.v)] = t
		}
		var d csdlDoc
		d.Xmlns, d.Version = "http://docs.oasis-open.org/odata/ns/edmx", "4.0"
		sc := &d.Services.Schema
		sc.Xmlns, sc.Namespace = "http://docs.oasis-open.org/odata/ns/edm", graphNS
		for _, t := range metadataTypes {
			sc.Types = append(sc.Types, describeType(t, names))
		}
		em := csdlType{XMLName: xml.Name{Local: "EntityType"}, Name: "entitlementManagement", Key: idKey()}
		em.Props = []csdlProperty{{Name: "id", Type: "Edm.String", Nullable: new(bool)}}
		for _, s := range entitlementSets {
			em.Navs = append(em.Navs, csdlNav{Name: s[0], Type: "Collection(" + graphNS + "." + s[1] + ")", ContainsTarget: true})
		}
		ig := csdlType{XMLName: xml.Name{Local: "EntityType"}, Name: "identityGovernance",
			Navs: []csdlNav{{Name: "entitlementManagement", Type: graphNS + ".entitlementManagement", ContainsTarget: true}}}
		sc.Types = append(sc.Types, em, ig)
		sc.Container.Name = "GraphService"
		for _, s := range [][2]string{{"users", "user"}, {"groups", "group"}, {"servicePrincipals", "servicePrincipal"}} {
			sc.Container.Sets = append(sc.Container.Sets, csdlSet{XMLName: xml.Name{Local: "EntitySet"}, Name: s[0], Type: graphNS + "." + s[1]})
		}
		sc.Container.Sets = append(sc.Container.Sets,
			csdlSet{XMLName: xml.Name{Local: "Singleton"}, Name: "identityGovernance", Type: graphNS + ".identityGovernance"})
		b, err := xml.MarshalIndent(d, "", "  ")
		if err != nil {
			panic(err) // static types: cannot fail
		}
		metadataBody = append([]byte(xml.Header), b...)
	})
	return metadataBody
}

func idKey() *csdlKey {
	k := &csdlKey{}
	k.Ref.Name = "id"
	return k
}

// describeType turns a wire struct into an EntityType or ComplexType.
func describeType(t metaType, names map[reflect.Type]metaType) csdlType {
	out := csdlType{XMLName: xml.Name{Local: "ComplexType"}, Name: t.name}
	if t.entity {
		out.XMLName.Local, out.Key = "EntityType", idKey()
	}
	rt := reflect.TypeOf(t.v)
	for i := 0; i < rt.NumField(); i++ {
		f := rt.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || strings.HasPrefix(name, "@") || f.Tag.Get("csdl") == "-" {
			continue
		}
		typ, coll := f.Type, false
		for typ.Kind() == reflect.Pointer || (typ.Kind() == reflect.Slice && typ != reflect.TypeOf(json.RawMessage{})) {
			if typ.Kind() == reflect.Slice {
				coll = true
			}
			typ = typ.Elem()
		}
		wrap := func(s string) string {
			if coll {
				return "Collection(" + s + ")"
			}
			return s
		}
		if mt, ok := names[typ]; ok {
			if mt.entity {
				out.Navs = append(out.Navs, csdlNav{Name: name, Type: wrap(graphNS + "." + mt.name)})
			} else {
				out.Props = append(out.Props, csdlProperty{Name: name, Type: wrap(graphNS + "." + mt.name)})
			}
			continue
		}
		p := csdlProperty{Name: name, Type: wrap(edmType(name, typ))}
		if name == "id" {
			p.Nullable = new(bool)
		}
		out.Props = append(out.Props, p)
	}
	return out
}

// edmType is the Edm primitive type of a Go type.
func edmType(name string, t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "Edm.Boolean"
	case reflect.Int, reflect.Int32:
		return "Edm.Int32"
	case reflect.Int64:
		return "Edm.Int64"
	case reflect.Float64:
		return "Edm.Double"
	case reflect.String:
		if strings.HasSuffix(name, "DateTime") {
			return "Edm.DateTimeOffset"
		}
		return "Edm.String"
	}
	return "Edm.Untyped"
}

// metadata serves GET /v1.0/$metadata without authentication.
func (s *Server) metadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, r, &methodNotAllowed{allowed: []string{http.MethodGet}, method: r.Method}, s.log)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("OData-Version", "4.0")
	_, _ = w.Write(metadataDocument())
}
