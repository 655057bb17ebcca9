package postgres_test

import "fmt"
import "strings"
import "testing"

// TestImportCSVSaysEachBadCellOnceInTheUsersWords checks the problem
// report: an unknown restricted party is one message (not also "choose the
// parties"), and a bad territory is echoed as typed ("Mars", not "MARS").
func TestImportCSVSaysEachBadCellOnceInTheUsersWords(t *testing.T) {
	t.Parallel()
	e := newRegEnv(t).withStory(t)
	file := csvHeader +
		`B5,Window,Azurine,partnership,yes,active,,2020-01-01,,,,,,,exclusivity,,,ai-services,,named,Nobody,,EU;Mars,,,,Text.` + "\n"
	rep, _ := e.reg.ImportCSV(e.ctx, e.counsel, strings.NewReader(file), true)
	byCell := map[string][]string{}
	for _, p := range rep.Problems {
		key := fmt.Sprintf("%d/%s", p.Line, p.Column)
		byCell[key] = append(byCell[key], p.Message)
	}
	if got := byCell["2/restricted_parties"]; len(got) != 1 || !strings.Contains(got[0], `"Nobody" is not a party`) {
		t.Errorf("restricted_parties told %q", got)
	}
	if got := byCell["2/territory"]; len(got) != 1 || got[0] != `"Mars" is not a region the register knows` {
		t.Errorf("territory told %q", got)
	}
	if len(byCell) != 2 {
		t.Errorf("problems %v", rep.Problems)
	}
}
