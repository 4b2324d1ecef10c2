// recorder-worklet.js: the AudioWorklet processor behind the record button.
// It mixes the microphone's channels to mono, resamples them to 16 kHz with
// a windowed-sinc low-pass (so no aliasing folds into the speech band), and
// posts chunks of about 100 ms with their level:
//
//   {samples: Float32Array (16 kHz), rms, peak}
//
// Posting {type: "flush"} to its port drains the filter and answers
// {flushed: true, samples}.

/**
 * Streaming band-limited resampler: each output sample is the input
 * convolved with a Hann-windowed sinc whose cutoff is 0.97 of the lower
 * Nyquist frequency, evaluated at the output instant (Smith's bandlimited
 * interpolation, https://ccrma.stanford.edu/~jos/resample/).
 */
export class Resampler {
  constructor(from, to, zeroCrossings = 16) {
    this.from = from;
    this.to = to;
    this.step = from / to; // input samples per output sample
    this.fc = Math.min(1, to / from) * 0.97; // cutoff, fraction of the input Nyquist
    this.half = Math.ceil(zeroCrossings / this.fc); // filter half-width in input samples
    this.buf = new Float32Array(this.half); // leading zeros: the signal starts at buf index `half`
    this.len = this.half;
    this.start = -this.half; // input index of buf[0]
    this.t = 0; // input time of the next output sample
  }

  #append(x) {
    if (this.len + x.length > this.buf.length) {
      const nb = new Float32Array(Math.max(2 * this.buf.length, this.len + x.length));
      nb.set(this.buf.subarray(0, this.len));
      this.buf = nb;
    }
    this.buf.set(x, this.len);
    this.len += x.length;
  }

  /** Feeds input samples; returns the output samples now computable. */
  push(x) {
    if (this.from === this.to) return Float32Array.from(x);
    this.#append(x);
    const out = [];
    const { half, fc, buf, start } = this;
    const end = start + this.len; // one past the last input index
    while (this.t + half < end) {
      const t = this.t;
      const k0 = Math.max(Math.ceil(t - half), start);
      const k1 = Math.floor(t + half);
      let acc = 0;
      for (let k = k0; k <= k1; k++) {
        const d = t - k;
        const w = 0.5 + 0.5 * Math.cos((Math.PI * d) / half);
        const s = d === 0 ? fc : Math.sin(Math.PI * fc * d) / (Math.PI * d);
        acc += buf[k - start] * s * w;
      }
      out.push(acc);
      this.t += this.step;
    }
    // Drop input no longer needed.
    const keep = Math.floor(this.t - half) - start;
    if (keep > 0) {
      this.buf.copyWithin(0, keep, this.len);
      this.len -= keep;
      this.start += keep;
    }
    return Float32Array.from(out);
  }

  /** Drains the filter with trailing zeros. */
  flush() {
    if (this.from === this.to) return new Float32Array(0);
    return this.push(new Float32Array(this.half + Math.ceil(this.step)));
  }
}

if (typeof registerProcessor === "function") {
  class RecorderProcessor extends AudioWorkletProcessor {
    constructor(options) {
      super();
      const target = (options.processorOptions && options.processorOptions.sampleRate) || 16000;
      this.rs = new Resampler(sampleRate, target); // sampleRate: the context's, a global here
      this.chunk = Math.round(target / 10);
      this.pending = [];
      this.pendingLen = 0;
      this.port.onmessage = (ev) => {
        if (ev.data && ev.data.type === "flush") {
          this.#add(this.rs.flush());
          const samples = this.#take();
          this.port.postMessage({ flushed: true, samples, rms: 0, peak: 0 }, [samples.buffer]);
        }
      };
    }

    #add(y) {
      if (y.length) {
        this.pending.push(y);
        this.pendingLen += y.length;
      }
    }

    #take() {
      const s = new Float32Array(this.pendingLen);
      let o = 0;
      for (const p of this.pending) { s.set(p, o); o += p.length; }
      this.pending = [];
      this.pendingLen = 0;
      return s;
    }

    process(inputs) {
      const input = inputs[0];
      if (input && input.length) {
        const n = input[0].length;
        const mono = new Float32Array(n);
        for (const ch of input) for (let i = 0; i < n; i++) mono[i] += ch[i] / input.length;
        this.#add(this.rs.push(mono));
      }
      if (this.pendingLen >= this.chunk) {
        const samples = this.#take();
        let sum = 0, peak = 0;
        for (const v of samples) { sum += v * v; peak = Math.max(peak, Math.abs(v)); }
        this.port.postMessage({ samples, rms: Math.sqrt(sum / samples.length), peak }, [samples.buffer]);
      }
      return true;
    }
  }
  registerProcessor("ecoute-recorder", RecorderProcessor);
}
