// Command lstm_bench times package lstm on the configurations of
// scripts/bench/lstm_vs_torch.py and prints one JSON object per line:
// frames per second, effective GFLOP/s and the process's peak resident
// memory (VmHWM).
//
//	go run ./scripts/bench/lstm_bench -config train-256 -threads 2
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/ecoute/ecoute/internal/kernel"
	"github.com/ecoute/ecoute/lstm"
)

// Config is one benchmark setting.
type Config struct {
	Name                   string
	Train                  bool
	B, T, Input, Hidden, L int
}

var configs = []Config{
	{"infer-128", false, 1, 1000, 39, 128, 2},
	{"infer-256", false, 1, 1000, 39, 256, 3},
	{"train-256", true, 16, 300, 117, 256, 3},
	{"train-128", true, 16, 300, 39, 128, 2},
}

// flops counts the multiply-adds of the matrix products (2 flops each):
// per frame, layer and direction 4H*(In+H); training triples it (forward,
// the input/recurrent gradients and the weight gradients).
func flops(c Config) float64 {
	var f float64
	for l := 0; l < c.L; l++ {
		in := c.Input
		if l > 0 {
			in = 2 * c.Hidden
		}
		f += 2 * 2 * 4 * float64(c.Hidden) * float64(in+c.Hidden)
	}
	f *= float64(c.B * c.T)
	if c.Train {
		f *= 3
	}
	return f
}

func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func main() {
	name := flag.String("config", "all", "configuration name or all")
	threads := flag.Int("threads", 2, "goroutines")
	minTime := flag.Duration("time", 3*time.Second, "minimum measuring time per configuration")
	flag.Parse()
	for _, c := range configs {
		if *name != "all" && *name != c.Name {
			continue
		}
		run(c, *threads, *minTime)
	}
}

func run(c Config, threads int, minTime time.Duration) {
	m := lstm.New(lstm.Config{Input: c.Input, Hidden: c.Hidden, Layers: c.L, Bidirectional: true})
	m.Init(1, lstm.InitOptions{})
	m.Threads = threads
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, c.T*c.B*c.Input)
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	b := lstm.Batch{X: x, T: c.T, B: c.B}
	ws := lstm.NewWorkspace(1)
	dy := make([]float32, c.T*c.B*2*c.Hidden)
	for i := range dy {
		dy[i] = 1e-3
	}
	opt := lstm.NewAdam()
	step := func() {
		if !c.Train {
			m.Forward(ws, b, false)
			return
		}
		m.Params.ZeroGrad()
		m.Forward(ws, b, true)
		m.Backward(ws, dy)
		opt.Step(m.Params.Data, m.Params.Grad, 1e-3)
	}
	step() // warm-up: allocates the workspace
	n := 0
	start := time.Now()
	for time.Since(start) < minTime || n < 2 {
		step()
		n++
	}
	el := time.Since(start).Seconds() / float64(n)
	frames := float64(c.T*c.B) / el
	res := map[string]any{
		"impl": "ecoute-" + kernel.Impl, "config": c.Name, "threads": threads,
		"frames_per_s": frames, "seconds_per_step": el, "gflops": flops(c) / el / 1e9,
		"peak_rss_mb": float64(peakRSS()) / (1 << 20), "params": m.Params.Len(),
		"goarch": runtime.GOARCH,
	}
	j, _ := json.Marshal(res)
	fmt.Println(string(j))
}

func init() {
	if p := os.Getenv("LSTM_CPUPROFILE"); p != "" {
		f, _ := os.Create(p)
		pprof.StartCPUProfile(f)
		go func() {
			time.Sleep(4 * time.Second)
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
}
