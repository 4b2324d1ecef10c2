package train

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecoute/ecoute/internal/safetensors"
	"github.com/ecoute/ecoute/lstm"
)

// TestInterCTCGoldenPyTorch compares the trainer's loss and gradient with an
// intermediate CTC loss against PyTorch's (F.ctc_loss on nn.LSTM layers and
// nn.Linear heads, testdata/gen/asr_interctc_golden.py): a 3-layer BiLSTM,
// three utterances of different lengths; the intermediate loss with weight
// 0.3, then 0.2 with a phone CTC loss of weight 0.3 through a second head,
// one utterance without phone targets.
func TestInterCTCGoldenPyTorch(t *testing.T) {
	for _, name := range []string{"interctc", "interctc_phone"} {
		t.Run(name, func(t *testing.T) { checkInterGolden(t, "../../testdata/asr/"+name+".safetensors") })
	}
}

func checkInterGolden(t *testing.T, path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := safetensors.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		T, B, Input, Hidden, Layers, Output int
		Weight                              float64
		PhoneWeight                         float64 `json:"phone_weight"`
		Phones                              int
		MidLayer                            int `json:"mid_layer"`
	}
	if err := json.Unmarshal([]byte(f.Metadata["config"]), &cfg); err != nil {
		t.Fatal(err)
	}
	get := func(name string) []float32 {
		v, err := f.Float32(name)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if (cfg.Layers-1)/2 != cfg.MidLayer {
		t.Fatalf("golden file reads layer %d, the trainer reads layer %d", cfg.MidLayer, (cfg.Layers-1)/2)
	}
	var lengths []int
	for _, v := range get("lengths") {
		lengths = append(lengths, int(v))
	}
	// rows reads a [B][L] table padded with -1; a row starting with -2 is nil.
	rows := func(name string) [][]int {
		v := get(name)
		L := len(v) / cfg.B
		out := make([][]int, cfg.B)
		for i := range out {
			if v[i*L] == -2 {
				continue
			}
			out[i] = []int{}
			for _, x := range v[i*L : (i+1)*L] {
				if x >= 0 {
					out[i] = append(out[i], int(x))
				}
			}
		}
		return out
	}
	targets := rows("targets")
	var phones [][]int
	if cfg.Phones > 0 {
		phones = rows("phones")
	}
	for _, threads := range []int{1, 3} {
		nc := lstm.Config{Input: cfg.Input, Hidden: cfg.Hidden, Layers: cfg.Layers, Bidirectional: true, Output: cfg.Output}
		if cfg.Phones > 0 {
			nc.Heads = []lstm.Head{{Name: phoneHeadName, In: nc.OutSize(), Out: cfg.Phones}}
		}
		net := lstm.New(nc)
		if _, err := net.LoadBytes(b, "grad.", "x", "lengths", "targets", "loss.", "phones"); err != nil {
			t.Fatal(err)
		}
		net.Threads = threads
		bl := batchLoss{net: net, ws: lstm.NewWorkspace(1), threads: threads, inter: cfg.Weight}
		if cfg.Phones > 0 {
			bl.phone, bl.phoneW = net.Heads[0], cfg.PhoneWeight
		}
		final, mid, err := bl.lossGrad(lstm.Batch{X: get("x"), T: cfg.T, B: cfg.B, Lengths: lengths}, targets, phones)
		if err != nil {
			t.Fatal(err)
		}
		if w := float64(get("loss.final")[0]); math.Abs(final-w) > 1e-4 {
			t.Errorf("threads %d: final loss %g, PyTorch %g", threads, final, w)
		}
		if w := float64(get("loss.mid")[0]); math.Abs(mid-w) > 1e-4 {
			t.Errorf("threads %d: intermediate loss %g, PyTorch %g", threads, mid, w)
		}
		grads := map[string][]float32{}
		for _, p := range net.Params.Tensors {
			grads[p.Name] = p.G()
		}
		for name, g := range grads {
			want := get("grad." + name)
			worst := 0.0
			for i, v := range g {
				worst = max(worst, math.Abs(float64(v)-float64(want[i])))
			}
			if !(worst <= 1e-4) {
				t.Errorf("threads %d: gradient of %s: max abs error %g", threads, name, worst)
			}
		}
	}
}

// TestTrainInterCTC: two runs with the same seed agree, a run stopped and
// resumed matches an uninterrupted one, the intermediate loss changes the
// model, a checkpoint made without it is not resumed with it, and a bad
// weight or a one-layer model is refused.
func TestTrainInterCTC(t *testing.T) {
	dir, base := toyRun(t, 4)
	base.Model.NumLayers = 2
	base.InterCTC = 0.3
	plain := base
	plain.InterCTC = 0
	checkOption(t, dir, "inter_ctc", base, plain)
	for _, w := range []float64{-0.1, 1, math.NaN()} {
		o := base
		o.InterCTC = w
		if _, _, err := Run(o, false); err == nil || !strings.Contains(err.Error(), "inter_ctc") {
			t.Errorf("inter_ctc %v: %v", w, err)
		}
	}
	one := base
	one.Model.NumLayers = 1
	if _, _, err := Run(one, false); err == nil || !strings.Contains(err.Error(), "2 LSTM layers") {
		t.Errorf("inter_ctc with one layer: %v", err)
	}
}

// TestTrainPhoneCTC: the phone loss changes the model, a run stopped and
// resumed matches an uninterrupted one (the phone layer and its optimizer
// state are in the checkpoint), a checkpoint made without it is not resumed
// with it, and bad settings are refused with a message that names them.
func TestTrainPhoneCTC(t *testing.T) {
	dir, base := toyRun(t, 4)
	base.Model.NumLayers = 2
	lex := filepath.Join(dir, "lexicon.dict")
	// "abba" is missing: its utterance has no phone loss.
	dict := "a AH0\nabc AE1 B K\nac EY1 S IY1\nac(2) AE1 K\nb B IY1\nba B AA1\nbca B K AH0\nc S IY1\ncab K AE1 B\ncb S IY1 B IY1\ncc S S\n"
	if err := os.WriteFile(lex, []byte(dict), 0o644); err != nil {
		t.Fatal(err)
	}
	base.PhoneCTC = PhoneCTC{Lexicon: lex, Weight: 0.3}
	base.InterCTC = 0.2
	plain := base
	plain.PhoneCTC = PhoneCTC{}
	checkOption(t, dir, "phone_ctc", base, plain)
	empty := filepath.Join(dir, "empty.dict")
	os.WriteFile(empty, []byte(";;; nothing\n"), 0o644)
	unrelated := filepath.Join(dir, "unrelated.dict")
	os.WriteFile(unrelated, []byte("hello HH AH0 L OW1\n"), 0o644)
	for _, c := range []struct {
		p    PhoneCTC
		want string
	}{
		{PhoneCTC{Lexicon: lex, Weight: 0.8}, "leaves the top layer's loss a share"},
		{PhoneCTC{Lexicon: lex, Weight: -0.1}, "phone_ctc weight"},
		{PhoneCTC{Weight: 0.3}, "needs a lexicon"},
		{PhoneCTC{Lexicon: filepath.Join(dir, "missing.dict"), Weight: 0.3}, "missing.dict"},
		{PhoneCTC{Lexicon: empty, Weight: 0.3}, "no words"},
		{PhoneCTC{Lexicon: unrelated, Weight: 0.3}, "no training transcript is covered"},
	} {
		o := base
		o.PhoneCTC = c.p
		if _, _, err := Run(o, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("phone_ctc %+v: %v, want an error saying %q", c.p, err, c.want)
		}
	}
	one := base
	one.Model.NumLayers = 1
	one.InterCTC = 0
	if _, _, err := Run(one, false); err == nil || !strings.Contains(err.Error(), "2 LSTM layers") {
		t.Errorf("phone_ctc with one layer: %v", err)
	}
}

// TestPhoneLexicon: the first pronunciation counts, stress marks go, words
// are matched in lower case, and a transcript with an unknown word has no
// targets.
func TestPhoneLexicon(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.dict")
	os.WriteFile(path, []byte(";;; comment\nREAD R IY1 D\nread(2) R EH1 D\nthe DH AH0\n"), 0o644)
	lx, err := readPhoneLexicon(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(lx.phones, " "); got != "AH D DH IY R" {
		t.Errorf("phones %q", got)
	}
	if got := fmt.Sprint(lx.targets("read the")); got != "[5 4 2 3 1]" {
		t.Errorf("targets %s, want [5 4 2 3 1] (R IY D DH AH)", got)
	}
	if got := lx.targets("read a"); got != nil {
		t.Errorf("unknown word: targets %v, want none", got)
	}
	os.WriteFile(path, []byte("word\n"), 0o644)
	if _, err := readPhoneLexicon(path); err == nil || !strings.Contains(err.Error(), ":1: a word with no phones") {
		t.Errorf("a word without phones: %v", err)
	}
}
