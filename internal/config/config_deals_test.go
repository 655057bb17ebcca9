package config_test

import "strings"
import "testing"

import "github.com/dealgate/dealgate/internal/config"

func TestMaterialValuePercent(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "DEALGATE_MATERIAL_VALUE_PERCENT" {
				return v
			}
			return ""
		}
	}
	c, err := config.Load(env(""))
	if err != nil || c.MaterialValuePercent != 10 {
		t.Fatalf("default: %v %v", c, err)
	}
	if c, err = config.Load(env("25")); err != nil || c.MaterialValuePercent != 25 {
		t.Fatalf("25: %v", err)
	}
	for _, v := range []string{"0", "-5", "abc", "1001"} {
		if _, err := config.Load(env(v)); err == nil || !strings.Contains(err.Error(), "DEALGATE_MATERIAL_VALUE_PERCENT") {
			t.Errorf("%q accepted: %v", v, err)
		}
	}
}
