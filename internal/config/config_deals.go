package config

import "strconv"

import "github.com/dealgate/dealgate/internal/dealgate"

// loadDealSettings reads the deal intake's settings into c.
func loadDealSettings(get func(name, def string) string, bad func(name, format string, args ...any), c *Config) {
	raw := get("DEALGATE_MATERIAL_VALUE_PERCENT", strconv.Itoa(dealgate.DefaultMaterialValuePercent))
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 1000 {
		bad("DEALGATE_MATERIAL_VALUE_PERCENT", "must be a whole number of per cent from 1 to 1000, not %q", raw)
		return
	}
	c.MaterialValuePercent = n
}
