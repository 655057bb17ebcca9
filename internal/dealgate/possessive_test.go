package dealgate_test

import "testing"

import "github.com/dealgate/dealgate/internal/dealgate"

func TestPossessive(t *testing.T) {
	for name, want := range map[string]string{
		"Azurine Cloud":       "Azurine Cloud's",
		"Meridian Ventures":   "Meridian Ventures'",
		"Nimbus Web Services": "Nimbus Web Services'",
	} {
		if got := dealgate.Possessive(name); got != want {
			t.Errorf("Possessive(%q) = %q, want %q", name, got, want)
		}
	}
}
