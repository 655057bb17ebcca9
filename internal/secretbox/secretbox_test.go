package secretbox

import "errors"
import "strings"
import "testing"

func TestSealOpenRotateAndTamper(t *testing.T) {
	oldKey, newKey := Generate(), Generate()
	old, err := Parse(oldKey)
	if err != nil {
		t.Fatal(err)
	}
	sealed := old.Seal([]byte("JBSWY3DPEHPK3PXP"), "users.totp_secret:1")
	if !IsSealed(sealed) || strings.Contains(sealed, "JBSWY3DPEHPK3PXP") || len(sealed) > 128 {
		t.Fatalf("sealed %q", sealed)
	}
	if sealed == old.Seal([]byte("JBSWY3DPEHPK3PXP"), "users.totp_secret:1") {
		t.Error("two seals of one value are alike: the nonce is not random")
	}
	pt, id, err := old.Open(sealed, "users.totp_secret:1")
	if err != nil || string(pt) != "JBSWY3DPEHPK3PXP" || id != old.CurrentID() {
		t.Fatalf("open: %q %s %v", pt, id, err)
	}
	// Another row, a flipped byte, a cut value: refused.
	if _, _, err := old.Open(sealed, "users.totp_secret:2"); !errors.Is(err, ErrOpen) {
		t.Errorf("moved to another row: %v", err)
	}
	flipped := []byte(sealed)
	flipped[len(flipped)-3] ^= 1
	if flipped[len(flipped)-3] == '.' || flipped[len(flipped)-3] > 'z' {
		flipped[len(flipped)-3] = 'A'
	}
	if _, _, err := old.Open(string(flipped), "users.totp_secret:1"); err == nil {
		t.Error("an edited value opened")
	}
	if _, _, err := old.Open(sealed[:20], "users.totp_secret:1"); err == nil {
		t.Error("a cut value opened")
	}
	if _, _, err := old.Open("JBSWY3DPEHPK3PXP", "x"); !errors.Is(err, ErrNotSealed) {
		t.Errorf("plain text: %v", err)
	}
	// A keyring with the new key first still opens the old value; the new
	// key alone does not.
	both, err := Parse(newKey + "\n# the previous key\n" + oldKey)
	if err != nil {
		t.Fatal(err)
	}
	if pt, id, err := both.Open(sealed, "users.totp_secret:1"); err != nil || string(pt) != "JBSWY3DPEHPK3PXP" || id == both.CurrentID() {
		t.Fatalf("rotated keyring: %q %s %v", pt, id, err)
	}
	onlyNew, _ := Parse(newKey)
	if _, _, err := onlyNew.Open(sealed, "users.totp_secret:1"); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("without the old key: %v", err)
	}
	if ids := both.IDs(); len(ids) != 2 || ids[1] != old.CurrentID() {
		t.Errorf("ids %v", ids)
	}
}

func TestParseRefusesBadKeys(t *testing.T) {
	k := Generate()
	for _, bad := range []string{"", "not base64!", "c2hvcnQ=", k + "," + k} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
	url := strings.NewReplacer("+", "-", "/", "_").Replace(strings.TrimRight(k, "="))
	a, err1 := Parse(k)
	b, err2 := Parse(url)
	if err1 != nil || err2 != nil || a.CurrentID() != b.CurrentID() {
		t.Errorf("url alphabet: %v %v", err1, err2)
	}
	if Development().CurrentID() == a.CurrentID() {
		t.Error("generated key equals the development key")
	}
}
