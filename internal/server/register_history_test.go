package server

import (
	"encoding/json"
	"testing"
)

func TestRegisterChangeSpeaksTheFormsLabels(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	got := registerChange(
		raw(`{"id":4,"kind":"mou","binding":false,"expires_on":"2026-12-20T00:00:00Z","party":{"id":3,"name":"Azurine Cloud"},"version":2,"regions":["EU"],"worldwide":false}`),
		raw(`{"id":4,"kind":"licence","binding":true,"expires_on":null,"party":{"id":5,"name":"Azurine Corporation"},"version":3,"regions":[],"worldwide":true}`))
	want := "Binding: Non-binding → Binding; Expires on: 20 December 2026 → none; Kind: Memorandum of understanding → Licence; " +
		"Party: Azurine Cloud → Azurine Corporation; Regions: European Union → none; Where the clause applies: Only in some regions → Worldwide"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := registerChange(nil, raw(`{"title":"Reseller agreement","kind":"partnership","summary":"long"}`)); got != "Kind: Partnership; Title: Reseller agreement" {
		t.Errorf("creation: %q", got)
	}
}
