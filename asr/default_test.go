package asr

import "testing"

func TestDefaultModel(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Skipf("no embedded model: %v", err)
	}
	if err := m.Config.Validate(); err != nil {
		t.Fatal(err)
	}
	if n := m.NumParams(); n > 4_000_000 {
		t.Errorf("default model has %d parameters, budget 4M", n)
	}
	m2, err := Default()
	if err != nil || m2 != m {
		t.Error("Default does not return the shared model")
	}
	if m.LM != nil {
		if _, err := m.LM.Model(); err != nil {
			t.Errorf("embedded LM: %v", err)
		}
	}
}
