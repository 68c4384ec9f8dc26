package sqlstore

import (
	"reflect"
	"testing"
)

func TestColumnFieldsDerivesPropertiesFromColumns(t *testing.T) {
	got := columnFields("id, display_name, created_at", fields{
		"catalog/id":       {expr: "catalog_id"},
		"modifieddatetime": {expr: "updated_at", kind: colTime},
		"displayname":      {expr: "u.display_name"},
	})
	want := fields{
		"id":               {expr: "id"},
		"displayname":      {expr: "u.display_name"},
		"createddatetime":  {expr: "created_at", kind: colTime},
		"catalog/id":       {expr: "catalog_id"},
		"modifieddatetime": {expr: "updated_at", kind: colTime},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("columnFields = %v, want %v", got, want)
	}
}
