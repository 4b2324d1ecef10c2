package wer

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"
)

// errName returns "WER" or "CER".
func (r *Report) errName() string {
	if r.Unit == "char" {
		return "CER"
	}
	return "WER"
}

func pct(x float64) string {
	if math.IsInf(x, 0) {
		return "inf"
	}
	return fmt.Sprintf("%.2f", 100*x)
}

// WriteText writes the report for people: the error rate in Kaldi's
// compute-wer style, the sentence error rate, ids missing on either
// side, a per-speaker table in sclite's layout when there is more than
// one speaker, and with details every utterance's alignment as in
// sclite's pra report (errors in upper case, "*" for a missing token).
func (r *Report) WriteText(w io.Writer, details bool) error {
	bw := bufio.NewWriter(w)
	t := r.Total
	fmt.Fprintf(bw, "%%%s %s [ %d / %d, %d ins, %d del, %d sub ]\n", r.errName(), pct(t.ErrorRate()),
		t.Errors(), t.RefLen(), t.Ins, t.Del, t.Sub)
	fmt.Fprintf(bw, "%%SER %s [ %d / %d ]\n", pct(t.SER()), t.SentErrors, t.Utterances)
	fmt.Fprintf(bw, "Scored %d utterances, %d reference %ss, %d correct.\n", t.Utterances, t.RefLen(), r.Unit, t.Correct)
	if n := len(r.MissingHyp); n > 0 {
		fmt.Fprintf(bw, "%d reference utterances have no hypothesis (scored as deletions): %s\n", n, listIDs(r.MissingHyp))
	}
	if n := len(r.ExtraHyp); n > 0 {
		fmt.Fprintf(bw, "%d hypotheses have no reference (not scored): %s\n", n, listIDs(r.ExtraHyp))
	}
	if len(r.Speakers) > 1 {
		bw.WriteString("\n")
		r.writeSpeakers(bw)
	}
	if details {
		for i := range r.Utterances {
			bw.WriteString("\n")
			writeUtterance(bw, &r.Utterances[i])
		}
	}
	return bw.Flush()
}

func listIDs(ids []string) string {
	const max = 20
	if len(ids) <= max {
		return strings.Join(ids, " ")
	}
	return strings.Join(ids[:max], " ") + fmt.Sprintf(" ... (%d more)", len(ids)-max)
}

func (r *Report) writeSpeakers(w *bufio.Writer) {
	wn := 7
	for _, s := range r.Speakers {
		wn = max(wn, utf8.RuneCountInString(s.Name))
	}
	line := func(name string, s Summary) {
		n := float64(s.RefLen())
		p := func(x int) string {
			if n == 0 {
				if x == 0 {
					return "0.0"
				}
				return "inf"
			}
			return fmt.Sprintf("%.1f", 100*float64(x)/n)
		}
		fmt.Fprintf(w, "| %-*s | %6d %7d | %6s %6s %6s %6s %6s %6s |\n", wn, name, s.Utterances, s.RefLen(),
			p(s.Correct), p(s.Sub), p(s.Del), p(s.Ins), p(s.Errors()),
			fmt.Sprintf("%.1f", 100*s.SER()))
	}
	unit := "# Wrd"
	if r.Unit == "char" {
		unit = "# Chr"
	}
	fmt.Fprintf(w, "| %-*s | %6s %7s | %6s %6s %6s %6s %6s %6s |\n", wn, "SPKR", "# Snt", unit, "Corr", "Sub", "Del", "Ins", "Err", "S.Err")
	for _, s := range r.Speakers {
		name := s.Name
		if name == "" {
			name = "(none)"
		}
		line(name, s)
	}
	line("Sum/Avg", r.Total)
}

// writeUtterance writes one alignment in sclite's pra layout.
func writeUtterance(w *bufio.Writer, u *Utterance) {
	fmt.Fprintf(w, "id: (%s)\n", u.ID)
	if u.MissingHyp {
		w.WriteString("(no hypothesis)\n")
	}
	fmt.Fprintf(w, "Scores: (#C #S #D #I) %d %d %d %d\n", u.Correct, u.Sub, u.Del, u.Ins)
	var ref, hyp, ev strings.Builder
	ref.WriteString("REF:  ")
	hyp.WriteString("HYP:  ")
	ev.WriteString("Eval: ")
	al := u.Alignment
	for k, op := range al.Ops {
		var rt, ht string
		if al.RefPos[k] >= 0 {
			rt = u.Ref[al.RefPos[k]]
		}
		if al.HypPos[k] >= 0 {
			ht = u.Hyp[al.HypPos[k]]
		}
		if op != Correct {
			rt, ht = strings.ToUpper(rt), strings.ToUpper(ht)
		}
		width := max(utf8.RuneCountInString(rt), utf8.RuneCountInString(ht))
		if rt == "" {
			rt = strings.Repeat("*", width)
		}
		if ht == "" {
			ht = strings.Repeat("*", width)
		}
		e := ""
		if op != Correct {
			e = string(op)
		}
		pad := func(b *strings.Builder, s string) {
			b.WriteString(s)
			b.WriteString(strings.Repeat(" ", width-utf8.RuneCountInString(s)+1))
		}
		pad(&ref, rt)
		pad(&hyp, ht)
		pad(&ev, e)
	}
	for _, b := range []*strings.Builder{&ref, &hyp, &ev} {
		w.WriteString(b.String())
		w.WriteString("\n")
	}
}

// rate is a fraction that encodes +Inf (errors against an empty
// reference) as JSON null.
type rate float64

func (x rate) MarshalJSON() ([]byte, error) {
	if math.IsInf(float64(x), 0) || math.IsNaN(float64(x)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(x))
}

type jsonSummary struct {
	Summary
	ErrorRate rate `json:"error_rate"`
	SER       rate `json:"sentence_error_rate"`
	RefTokens int  `json:"ref_tokens"`
}

func toJSON(s Summary) jsonSummary {
	return jsonSummary{s, rate(s.ErrorRate()), rate(s.SER()), s.RefLen()}
}

type jsonUtterance struct {
	*Utterance
	ErrorRate rate `json:"error_rate"`
}

// WriteJSON writes the report as one JSON object: unit, the error rate
// name (WER or CER), total, speakers, missing_hyp, extra_hyp, and with
// details the utterances. Rates are fractions (0.25, not 25), null when
// the reference is empty and there are errors.
func (r *Report) WriteJSON(w io.Writer, details bool) error {
	out := struct {
		Unit       string          `json:"unit"`
		Metric     string          `json:"metric"`
		Total      jsonSummary     `json:"total"`
		Speakers   []jsonSummary   `json:"speakers"`
		MissingHyp []string        `json:"missing_hyp"`
		ExtraHyp   []string        `json:"extra_hyp"`
		Utterances []jsonUtterance `json:"utterances,omitempty"`
	}{
		Unit: r.Unit, Metric: r.errName(), Total: toJSON(r.Total),
		Speakers: []jsonSummary{}, MissingHyp: r.MissingHyp, ExtraHyp: r.ExtraHyp,
	}
	if out.MissingHyp == nil {
		out.MissingHyp = []string{}
	}
	if out.ExtraHyp == nil {
		out.ExtraHyp = []string{}
	}
	for _, s := range r.Speakers {
		out.Speakers = append(out.Speakers, toJSON(s))
	}
	if details {
		for i := range r.Utterances {
			u := &r.Utterances[i]
			out.Utterances = append(out.Utterances, jsonUtterance{u, rate(u.ErrorRate())})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
