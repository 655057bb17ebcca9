package screening

import "github.com/dealgate/dealgate/internal/dealgate"

// Territories overlap when they share any place. The register's regions
// nest and overlap (Germany is in the European Union, which is in the
// European Economic Area, which is in EMEA; Mexico is in both North America
// and Latin America), so each region is a set of disjoint areas and two
// territories overlap when their sets intersect.

type area uint32

const (
	areaUS area = 1 << iota
	areaCA
	areaMX
	areaBR
	areaLatamOther
	areaUK
	areaDE
	areaFR
	areaEUOther
	areaEEAOther // Norway, Iceland, Liechtenstein
	areaEuropeOther
	areaMEA
	areaCN
	areaJP
	areaKR
	areaIN
	areaSG
	areaAU
	areaAPACOther
	areaRest // everywhere the named regions do not reach

	areaWorld area = 1<<iota - 1
)

var regionAreas = map[string]area{
	"US": areaUS, "CA": areaCA, "NA": areaUS | areaCA | areaMX,
	"LATAM": areaMX | areaBR | areaLatamOther, "BR": areaBR,
	"UK": areaUK, "DE": areaDE, "FR": areaFR,
	"EU":   areaDE | areaFR | areaEUOther,
	"EEA":  areaDE | areaFR | areaEUOther | areaEEAOther,
	"EMEA": areaUK | areaDE | areaFR | areaEUOther | areaEEAOther | areaEuropeOther | areaMEA,
	"MEA":  areaMEA,
	"APAC": areaCN | areaJP | areaKR | areaIN | areaSG | areaAU | areaAPACOther,
	"CN":   areaCN, "JP": areaJP, "KR": areaKR, "IN": areaIN, "SG": areaSG, "AU": areaAU,
}

// territory returns the areas of a territory. A region code the engine
// does not know counts as everywhere, so an unknown code can only add
// findings, never hide one.
func territory(worldwide bool, regions []string) area {
	if worldwide || len(regions) == 0 {
		return areaWorld
	}
	var a area
	for _, r := range regions {
		m, ok := regionAreas[r]
		if !ok {
			return areaWorld
		}
		a |= m
	}
	return a
}

// TerritoriesOverlap reports whether two territories share any place.
func TerritoriesOverlap(aWorldwide bool, a []string, bWorldwide bool, b []string) bool {
	return territory(aWorldwide, a)&territory(bWorldwide, b) != 0
}

func regionNames(worldwide bool, codes []string) string {
	if worldwide || len(codes) == 0 {
		return "worldwide"
	}
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = c
		if r, ok := dealgate.LookupRegion(c); ok {
			names[i] = r.Name
		}
	}
	return dealgate.JoinAnd(names)
}
