package server

// The register's history in words: an agreement's or clause's change reads
// with the labels and choices of its form ("Kind: Memorandum of
// understanding → Licence"), never raw codes.

import "encoding/json"
import "fmt"
import "slices"
import "regexp"
import "sort"
import "strconv"
import "strings"
import "time"

import "github.com/dealgate/dealgate/internal/dealgate"
import "github.com/dealgate/dealgate/web/components"

// registerFieldLabels are the register forms' labels, by snapshot key.
var registerFieldLabels = map[string]string{
	"title": "Title", "party": "Party", "kind": "Kind", "binding": "Binding", "status": "Status",
	"signed_on": "Signed on", "effective_on": "Effective from", "expires_on": "Expires on", "value": "Total value",
	"owner_name": "Owner", "summary": "Summary", "notes": "Notes",
	"beneficiary": "Beneficiary", "categories": "Product categories covered", "excluded_categories": "Categories explicitly excluded",
	"restriction_scope": "Whom the clause restricts", "restricted_kind": "Kind of party restricted",
	"restricted_parties": "Named parties restricted", "exceptions": "Exceptions", "worldwide": "Where the clause applies",
	"regions": "Regions", "valid_from": "Applies from", "valid_until": "Applies until", "notice_days": "Notice period (days)",
	"section": "Section reference", "text": "Clause text", "retired_at": "Retired on",
	"filename": "File name", "size_bytes": "Size", "content_type": "Type",
}

// registerSkipped are snapshot keys that are bookkeeping, not content.
var registerSkipped = map[string]bool{"id": true, "agreement_id": true, "created_at": true, "updated_at": true,
	"version": true, "owner_id": true, "recorded_status": true, "sha256": true, "uploaded_at": true, "uploaded_by": true}

// registerCreatedKeys name a newly created record.
var registerCreatedKeys = map[string]bool{"title": true, "kind": true, "section": true, "filename": true}

// historyVocab is how a record's history reads: its forms' labels by
// snapshot key, the keys that are bookkeeping, the keys that name a newly
// created record, and a value in words.
type historyVocab struct {
	labels  map[string]string
	skipped map[string]bool
	created map[string]bool
	words   func(key string, v any) string
	// omit, when set, leaves out a change that says nothing to a reader
	// (a deal's "Version: 0 → 1" on submission).
	omit func(key string, before, after any) bool
}

var registerVocab = historyVocab{labels: registerFieldLabels, skipped: registerSkipped, created: registerCreatedKeys, words: registerWords}

// registerTimeline is the history an agreement's page shows.
func registerTimeline(events []dealgate.AuditEvent, loc *time.Location) []components.TimelineEvent {
	return registerVocab.timeline(events, loc)
}

func registerChange(before, after any) string { return registerVocab.change(before, after) }

func (hv historyVocab) timeline(events []dealgate.AuditEvent, loc *time.Location) []components.TimelineEvent {
	out := timeline(events, loc)
	for i, e := range events {
		out[i].Detail = hv.change(e.Before, e.After)
	}
	return out
}

func (hv historyVocab) change(before, after any) string {
	b, a := asMap(before), asMap(after)
	if b == nil && a == nil {
		return ""
	}
	var keys []string
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		if hv.skipped[k] || hv.omit != nil && hasKey(b, k) && hv.omit(k, b[k], a[k]) {
			continue
		}
		label := hv.labels[k]
		if label == "" {
			label = strings.ReplaceAll(k, "_", " ")
			label = strings.ToUpper(label[:1]) + label[1:]
		}
		bv, av := hv.words(k, b[k]), hv.words(k, a[k])
		switch {
		case b == nil:
			if hv.created[k] {
				parts = append(parts, label+": "+av)
			}
		case a == nil:
			parts = append(parts, label+" was "+bv)
		case !hasKey(a, k):
			// A snapshot that leaves a field out says nothing about it.
		case !hasKey(b, k):
			parts = append(parts, label+": "+av)
		case bv != av:
			parts = append(parts, label+": "+bv+" → "+av)
		}
	}
	out := strings.Join(parts, "; ")
	if r := []rune(out); len(r) > 300 {
		out = string(r[:297]) + "…"
	}
	return out
}

// dealVocab reads a deal's history (deal_diff.go's Snapshot, its screening
// and its attachments) with the deal form's labels.
var dealVocab = historyVocab{labels: dealHistoryLabels(), skipped: map[string]bool{"id": true, "sha256": true},
	created: map[string]bool{"title": true, "filename": true}, words: dealWords, omit: firstVersion}

// firstVersion is a draft's submission as version 1: "Status: Draft →
// Submitted" says it, and a version 0 means nothing to a reader.
func firstVersion(key string, before, _ any) bool {
	n, ok := before.(float64)
	return ok && n == 0 && (key == "current_version" || key == "version")
}

// findingCount reads one part of a screening's stored count ("3 caution").
var findingCount = regexp.MustCompile(`^(\d+) (conflict|caution|info)$`)

// findingsWords says a screening's counts ("0 conflict, 3 caution, 3
// info", as the audit event stores them) in words: "no conflicts, 3
// cautions, 3 info notes".
func findingsWords(s string) string {
	nouns := map[string]string{"conflict": "conflict", "caution": "caution", "info": "info note"}
	var parts []string
	for _, p := range strings.Split(s, ", ") {
		m := findingCount.FindStringSubmatch(p)
		if m == nil {
			return s
		}
		n, _ := strconv.Atoi(m[1])
		if n == 0 {
			parts = append(parts, "no "+nouns[m[2]]+"s")
		} else {
			parts = append(parts, plural(n, nouns[m[2]]))
		}
	}
	return strings.Join(parts, ", ")
}

func dealHistoryLabels() map[string]string {
	m := map[string]string{"status": "Status", "current_version": "Version", "version": "Version", "author": "Counsel",
		"shared_with": "Shared with", "withdrawn_reason": "Reason for withdrawing", "reason": "Screened because",
		"findings": "Findings", "taxonomy": "Taxonomy", "screening": "Screening",
		"filename": "File name", "size_bytes": "Size", "content_type": "Type"}
	for _, f := range dealgate.DealFields {
		m[f.Key] = f.Label
	}
	return m
}

// screeningReasons are postgres.Reason* in words.
var screeningReasons = map[string]string{"submission": "the deal was submitted", "version": "a new version was saved",
	"register": "the register changed"}

func dealWords(key string, v any) string {
	if s, ok := v.(string); ok {
		switch key {
		case "status":
			if slices.Contains(dealgate.AllDealStatuses, dealgate.DealStatus(s)) {
				return dealgate.DealStatus(s).Label()
			}
		case "reason":
			if w, ok := screeningReasons[s]; ok {
				return w
			}
		case "findings":
			return findingsWords(s)
		}
	}
	return registerWords(key, v)
}

// registerWords says a snapshot value as the forms show it.
func registerWords(key string, v any) string {
	switch x := v.(type) {
	case nil:
		return "none"
	case bool:
		switch key {
		case "binding":
			return bindingText(x)
		case "worldwide":
			if x {
				return "Worldwide"
			}
			return "Only in some regions"
		}
		if x {
			return "Yes"
		}
		return "No"
	case float64:
		if key == "size_bytes" {
			return sizeText(int64(x))
		}
		return fmt.Sprintf("%g", x)
	case string:
		return stringWords(key, x)
	case map[string]any:
		if name, ok := x["name"].(string); ok {
			return name
		}
		if minor, ok := x["minor"].(float64); ok {
			cur, _ := x["currency"].(string)
			return dealgate.Money{Minor: int64(minor), Currency: cur}.String()
		}
	case []any:
		return listWords(x, func(item any) string { return registerWords(key, item) })
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func stringWords(key, s string) string {
	switch key {
	case "kind":
		if slices.Contains(dealgate.AllAgreementKinds, dealgate.AgreementKind(s)) {
			return dealgate.AgreementKind(s).Label()
		}
		if slices.Contains(dealgate.AllClauseKinds, dealgate.ClauseKind(s)) {
			return dealgate.ClauseKind(s).Label()
		}
	case "status":
		if slices.Contains(dealgate.AllAgreementStatuses, dealgate.AgreementStatus(s)) {
			return dealgate.AgreementStatus(s).Label()
		}
	case "restriction_scope":
		if slices.Contains(dealgate.AllRestrictionScopes, dealgate.RestrictionScope(s)) {
			return dealgate.RestrictionScope(s).Label()
		}
	case "restricted_kind":
		if slices.Contains(dealgate.AllPartyKinds, dealgate.PartyKind(s)) {
			return dealgate.PartyKind(s).Label()
		}
	case "regions":
		for _, r := range dealgate.Regions {
			if r.Code == s {
				return r.Name
			}
		}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		if key == "retired_at" {
			return t.Format("2 January 2006, 15:04 MST")
		}
		return t.Format("2 January 2006")
	}
	if s == "" {
		return "none"
	}
	if r := []rune(s); len(r) > 60 {
		return "“" + string(r[:57]) + "…”"
	}
	return s
}

// partyVocab reads a party's history with the party form's labels: "Kind:
// Model developer", never kind: "model_developer".
var partyVocab = historyVocab{
	labels: map[string]string{"name": "Name", "kind": "Kind", "aliases": "Other names", "parent_name": "Parent company",
		"website": "Website", "notes": "Notes", "retired_at": "Retired on"},
	skipped: map[string]bool{"id": true, "parent_id": true, "version": true, "created_at": true, "updated_at": true},
	created: map[string]bool{"name": true, "kind": true},
	words: func(key string, v any) string {
		if s, ok := v.(string); ok && key == "kind" && s != "" { // an unknown kind reads as recorded (labels.of)
			return dealgate.PartyKind(s).Label()
		}
		return registerWords(key, v)
	},
}

// userVocab reads an account's history with the user pages' labels:
// "Roles: Admin", never roles: ["admin"].
var userVocab = historyVocab{
	labels: map[string]string{"name": "Full name", "email": "Email address", "roles": "Roles", "status": "Status",
		"time_zone": "Time zone", "notify_email": "Email notifications", "totp_enabled": "Two-step verification",
		"password_set": "Password set"},
	skipped: map[string]bool{"id": true, "version": true, "created_at": true, "updated_at": true, "session_epoch": true},
	created: map[string]bool{"name": true, "email": true, "roles": true},
	words:   userWords,
}

func userWords(key string, v any) string {
	switch x := v.(type) {
	case string:
		switch { // an unknown status or role reads as recorded (labels.of)
		case x == "":
			return "none"
		case key == "status":
			return dealgate.UserStatus(x).Label()
		case key == "roles":
			return dealgate.Role(x).Label()
		}
		return x
	case bool:
		if key == "totp_enabled" {
			return map[bool]string{true: "On", false: "Off"}[x]
		}
	case []any:
		return listWords(x, func(item any) string { return userWords(key, item) })
	}
	return registerWords(key, v)
}

// listWords is a recorded list in words, each item by word; "none" when empty.
func listWords(items []any, word func(any) string) string {
	if len(items) == 0 {
		return "none"
	}
	words := make([]string, len(items))
	for i, item := range items {
		words[i] = word(item)
	}
	return strings.Join(words, ", ")
}
