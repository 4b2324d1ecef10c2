package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
)

// A voiceSpec is one synthesizer setting, fully decided before synthesis so
// that a run is reproducible from the seed.
type voiceSpec struct {
	Engine  string  // "espeak-ng", "flite", "festival"
	Name    string  // espeak-ng language, flite voice, festival voice
	Variant string  // espeak-ng variant ("m3", "klatt2"), or ""
	Speed   int     // espeak-ng words per minute
	Pitch   int     // espeak-ng pitch 0..99
	Stretch float64 // flite/festival duration stretch (>1 is slower)
}

// Label is the manifest's voice column: engine and voice without the
// random speed/pitch, e.g. "espeak-ng:en-gb-scotland+f3", "flite:awb",
// "festival:kal_diphone".
func (v voiceSpec) Label() string {
	s := v.Engine + ":" + v.Name
	if v.Variant != "" {
		s += "+" + v.Variant
	}
	return s
}

// Params are the random settings of v: "s=150 p=40" for espeak-ng,
// "stretch=1.050" otherwise.
func (v voiceSpec) Params() string {
	if v.Engine == "espeak-ng" {
		return fmt.Sprintf("s=%d p=%d", v.Speed, v.Pitch)
	}
	return fmt.Sprintf("stretch=%.3f", v.Stretch)
}

// Group is the summary's voice: the label without the espeak-ng variant.
func (v voiceSpec) Group() string { return v.Engine + ":" + v.Name }

// Training voices. The festival HTS voice cmu_us_slt_arctic_hts is held out
// and never appears here.
var (
	espeakAccents = []string{
		"en-us", "en-us", "en", "en-gb-x-rp", "en-gb-scotland", "en-gb-x-gbclan",
		"en-gb-x-gbcwmd", "en-029", "en-us-nyc",
	}
	espeakVariants = []string{
		"", "", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5",
		"klatt", "klatt2", "klatt3", "klatt4", "max", "Annie", "edward", "Andy", "linda",
		"michel", "paul", "steph",
	}
	fliteVoices = []string{"kal", "kal16", "kal16", "awb", "awb", "rms", "rms", "slt", "slt"}
)

// heldOutVoice is the voice kept entirely out of training.
var heldOutVoice = voiceSpec{Engine: "festival", Name: "cmu_us_slt_arctic_hts", Stretch: 1}

// engineWeights gives the share of training utterances per engine.
var engineWeights = []struct {
	engine string
	w      float64
}{{"espeak-ng", 0.45}, {"flite", 0.40}, {"festival", 0.15}}

// pickVoice draws a training voice from r among the engines in enabled.
func pickVoice(r *rand.Rand, enabled map[string]bool) voiceSpec {
	total := 0.0
	for _, e := range engineWeights {
		if enabled[e.engine] {
			total += e.w
		}
	}
	x := r.Float64() * total
	engine := ""
	for _, e := range engineWeights {
		if !enabled[e.engine] {
			continue
		}
		engine = e.engine
		if x < e.w {
			break
		}
		x -= e.w
	}
	stretch := 0.85 + 0.35*r.Float64()
	switch engine {
	case "espeak-ng":
		return voiceSpec{
			Engine:  engine,
			Name:    espeakAccents[r.IntN(len(espeakAccents))],
			Variant: espeakVariants[r.IntN(len(espeakVariants))],
			Speed:   130 + r.IntN(61),
			Pitch:   25 + r.IntN(51),
		}
	case "flite":
		return voiceSpec{Engine: engine, Name: fliteVoices[r.IntN(len(fliteVoices))], Stretch: stretch}
	default:
		return voiceSpec{Engine: "festival", Name: "kal_diphone", Stretch: stretch}
	}
}

// synthesize reads txt with voice v and writes a 16 kHz mono 16-bit WAV to
// out (through a temporary file renamed at the end, so a killed run never
// leaves a partial file under the final name). Every child process runs
// under nice -n niceness when niceness > 0.
func synthesize(v voiceSpec, txt, out string, niceness int) error {
	dir := filepath.Dir(out)
	raw := out + ".raw.wav"
	tmp := out + ".tmp.wav"
	txtFile := out + ".txt"
	defer os.Remove(raw)
	defer os.Remove(tmp)
	defer os.Remove(txtFile)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(txtFile, []byte(txt+"\n"), 0o644); err != nil {
		return err
	}
	var args []string
	switch v.Engine {
	case "espeak-ng":
		name := v.Name
		if v.Variant != "" {
			name += "+" + v.Variant
		}
		args = []string{"espeak-ng", "-v", name, "-s", strconv.Itoa(v.Speed), "-p", strconv.Itoa(v.Pitch),
			"-f", txtFile, "-w", raw}
	case "flite":
		args = []string{"flite", "-voice", v.Name, "--setf", fmt.Sprintf("duration_stretch=%.3f", v.Stretch),
			"-f", txtFile, "-o", raw}
	case "festival":
		args = []string{"text2wave", "-eval", "(voice_" + v.Name + ")",
			"-eval", fmt.Sprintf("(Parameter.set 'Duration_Stretch %.3f)", v.Stretch),
			txtFile, "-o", raw}
	default:
		panic("corpus: unknown engine " + v.Engine)
	}
	if err := run(niceness, args...); err != nil {
		return err
	}
	// -G guards against clipping in the rate conversion.
	if err := run(niceness, "sox", "-G", raw, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", tmp); err != nil {
		return err
	}
	d, err := wavSeconds(tmp)
	if err != nil {
		return err
	}
	if d < 0.2 {
		return fmt.Errorf("%s produced %.2f s of audio", v.Label(), d)
	}
	return os.Rename(tmp, out)
}

func run(niceness int, args ...string) error {
	if niceness > 0 {
		args = append([]string{"nice", "-n", strconv.Itoa(niceness)}, args...)
	}
	cmd := exec.Command(args[0], args[1:]...)
	b, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %v: %s", args, err, b)
	}
	return nil
}

// checkTools reports the first missing synthesizer or sox.
func checkTools(enabled map[string]bool) error {
	tools := []string{"sox"}
	if enabled["espeak-ng"] {
		tools = append(tools, "espeak-ng")
	}
	if enabled["flite"] {
		tools = append(tools, "flite")
	}
	if enabled["festival"] {
		tools = append(tools, "text2wave")
	}
	for _, t := range tools {
		if _, err := exec.LookPath(t); err != nil {
			return fmt.Errorf("%s not found (Debian: apt-get install sox espeak-ng flite festival festvox-kallpc16k festvox-us-slt-hts)", t)
		}
	}
	return nil
}
