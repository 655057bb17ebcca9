package server

import "encoding/json"
import "testing"

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

// TestDealChangeSpeaksTheFormsLabels: a deal's history reads with the deal
// form's labels and words, never "current_version: 1 → 2".
func TestDealChangeSpeaksTheFormsLabels(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	got := dealVocab.change(
		raw(`{"status":"draft","current_version":1,"value":"USD 250,000,000.00","negotiation_start":"12 March 2027"}`),
		raw(`{"status":"submitted","current_version":2,"value":"USD 300,000,000.00","negotiation_start":"12 March 2027"}`))
	want := "Version: 1 → 2; Status: Draft → Submitted; Estimated value: USD 250,000,000.00 → USD 300,000,000.00"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	got = dealVocab.change(raw(`{"version":2,"screening":"Screening has not run yet for this version"}`),
		raw(`{"version":2,"reason":"version","findings":"0 conflict, 3 caution","screening":"Caution"}`))
	if want := "Findings: no conflicts, 3 cautions; Screened because: a new version was saved; Screening: Screening has not run yet for this version → Caution"; got != want {
		t.Errorf("screening: got %q\nwant %q", got, want)
	}
}

// A draft's submission does not read "Version: 0 → 1", and screening counts
// read as words: "no conflicts, 1 caution, 3 info notes".
func TestDealHistoryReadsItsCounts(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	if got := dealVocab.change(raw(`{"status":"draft","current_version":0}`), raw(`{"status":"submitted","current_version":1}`)); got != "Status: Draft → Submitted" {
		t.Errorf("submission: %q", got)
	}
	if got := findingsWords("0 conflict, 1 caution, 3 info"); got != "no conflicts, 1 caution, 3 info notes" {
		t.Errorf("findings: %q", got)
	}
}

// Parties and accounts read their history in their forms' words, never
// kind: "model_developer" or roles: ["admin"].
func TestPartyAndUserHistorySpeakTheFormsLabels(t *testing.T) {
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	if got := partyVocab.change(nil, raw(`{"id":1,"kind":"model_developer","name":"Lumen Labs","notes":"Us.","aliases":["Lumen"],"parent_id":null}`)); got != "Kind: Model developer; Name: Lumen Labs" {
		t.Errorf("party created: %q", got)
	}
	if got := partyVocab.change(raw(`{"kind":"other","aliases":[],"parent_id":null}`), raw(`{"kind":"investor","aliases":["Meridian"],"parent_id":2,"parent_name":"Meridian Group"}`)); got != "Other names: none → Meridian; Kind: Other → Investor; Parent company: Meridian Group" {
		t.Errorf("party changed: %q", got)
	}
	if got := userVocab.change(nil, raw(`{"id":1,"name":"Ada Admin","email":"admin@dealgate.example","roles":["admin","counsel"],"status":"active","version":1}`)); got != "Email address: admin@dealgate.example; Full name: Ada Admin; Roles: Admin, Counsel" {
		t.Errorf("user created: %q", got)
	}
	if got := userVocab.change(raw(`{"status":"active"}`), raw(`{"status":"deactivated"}`)); got != "Status: Active → Deactivated" {
		t.Errorf("user deactivated: %q", got)
	}
	if got := userVocab.change(raw(`{"totp_enabled":false}`), raw(`{"totp_enabled":true}`)); got != "Two-step verification: Off → On" {
		t.Errorf("user two-step: %q", got)
	}
}
