package asr

// StackFrames concatenates each k consecutive frames and keeps one in k
// (Sak et al. 2015): out[t] = x[k t] ‖ x[k t+1] ‖ … ‖ x[k t+k-1], with the last
// frame repeated to fill the final group. x: [T][D] -> out: [ceil(T/k)][k D].
// It panics if k < 1 or the frames differ in width.
func StackFrames(x [][]float32, k int) [][]float32 {
	if k < 1 {
		panic("asr: StackFrames k < 1")
	}
	if len(x) == 0 {
		return nil
	}
	d := len(x[0])
	n := (len(x) + k - 1) / k
	buf := make([]float32, n*k*d)
	out := make([][]float32, n)
	for t := range out {
		row := buf[t*k*d : (t+1)*k*d]
		for j := 0; j < k; j++ {
			src := min(t*k+j, len(x)-1)
			if len(x[src]) != d {
				panic("asr: StackFrames rows differ in width")
			}
			copy(row[j*d:], x[src])
		}
		out[t] = row
	}
	return out
}
