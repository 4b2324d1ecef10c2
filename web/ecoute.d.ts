// Types for ecoute.js: speech recognition in the browser (Go compiled to
// WebAssembly, run in a Web Worker).

/** Audio input: an encoded WAV or MP3 file (FLAC too in a module built without -tags noflac; the page's is built with it), or mono samples in [-1, 1]
 * (decode other formats with the browser's AudioContext.decodeAudioData first). */
export type AudioInput =
  | Blob
  | ArrayBuffer
  | ArrayBufferView
  | { samples: Float32Array; sampleRate: number };

/** Options mirror the flags of `transcribe`. Omitted fields keep the CLI's defaults. */
export interface TranscribeOptions {
  /** Beam width; 1 is greedy decoding (--beam). */
  beam?: number;
  /** Language-model fusion on or off (--lm). */
  lm?: boolean;
  /** Spell only words the language model knows (--lexicon). */
  lexicon?: boolean;
  /** LM weight (--alpha). */
  alpha?: number;
  /** Word insertion bonus (--beta). */
  beta?: number;
  /** Taken from the CTC blank's log-probability before beam search; higher keeps more letters (--blank-penalty). */
  blankPenalty?: number;
  /** Words to favour: "word,other:3.5", or an array of such strings or {word, boost} (--hotwords). */
  hotwords?: string | Array<string | { word: string; boost?: number }>;
  /** Number of alternative hypotheses to return (--nbest). */
  nbest?: number;
  /** Word start/end times (--timestamps). */
  timestamps?: boolean;
  /** Drop words whose confidence is below this, 0 to 1; 0 (the default) keeps all (--min-confidence). */
  minConfidence?: number;
}

export interface Word {
  word: string;
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
  /** In [0, 1]. */
  confidence: number;
}

export interface Hypothesis {
  text: string;
  score: number;
  acoustic_score: number;
  lm_score: number;
}

/** The object `transcribe --format json` prints for one input (values rounded to 3 decimals). */
export interface Result {
  /** The file's name; "" for samples. */
  file: string;
  text: string;
  words: Word[];
  nbest?: Hypothesis[];
  /** Seconds of audio. */
  duration: number;
  /** Seconds spent recognising. */
  processing_time: number;
  [key: string]: unknown;
}

export interface FeatureOptions {
  /** "mfcc" (13 cepstra, default) or "fbank" (log-mel energies, 40 bins). */
  kind?: "mfcc" | "fbank";
  /** Cepstra for "mfcc", mel bins for "fbank"; 0 keeps the default. */
  bins?: number;
}

/** A [frames][dims] matrix in row-major order. */
export interface Features {
  kind: "mfcc" | "fbank";
  frames: number;
  dims: number;
  /** Seconds between frames (0.01). */
  frameShift: number;
  data: Float32Array;
}

export interface Decoded {
  samples: Float32Array;
  sampleRate: number;
  sourceSampleRate: number;
  channels: number;
  duration: number;
  format: "wav" | "flac" | "mp3" | "samples";
}

export interface EngineInfo {
  version: string;
  /** The options a call without options uses (the CLI's defaults). */
  defaults: TranscribeOptions;
  limits: { maxSeconds: number; maxBytes: number };
  model: { source: "default" | "bytes"; bytes: number; loadSeconds: number };
  /** Seconds to fetch and compile ecoute.wasm. */
  wasmSeconds: number;
  /** Seconds to start the Go runtime and load the model. */
  modelSeconds: number;
  /** Seconds of the warm-up transcription (0 with warm: false). */
  warmSeconds: number;
}

/** Progress of Ecoute.load: "download" with bytes of the module so far (and its size when known), then "model", then "warm". */
export interface LoadProgress {
  phase: "download" | "model" | "warm";
  loaded?: number;
  total?: number;
}

export interface LoadOptions {
  model?: ArrayBuffer | Uint8Array;
  wasmURL?: string | URL;
  workerURL?: string | URL;
  /** Transcribe a short synthetic clip before resolving, so that the first real call is as fast as later ones (default true). */
  warm?: boolean;
  onProgress?: (p: LoadProgress) => void;
}

/** Options of align(): the flags of `transcribe align` (absent limits keep its defaults: 42 characters, 2 lines, 7 s, 0.5 s). */
export interface AlignOptions {
  /** Output format (default "srt"). */
  format?: "srt" | "vtt" | "json" | "textgrid";
  /** json's "file" (default: the File's name). */
  name?: string;
  /** Characters per subtitle line, 1 to 1000 (--max-chars). */
  maxChars?: number;
  /** Lines per cue, 1 to 1000 (--max-lines). */
  maxLines?: number;
  /** Seconds a cue stays on screen at most (--max-seconds). */
  maxSeconds?: number;
  /** A pause this long (seconds) always ends a cue (--min-pause). */
  minPause?: number;
}

/** Error codes: "format", "empty", "too-long", "too-large", "options", "model", "no-model", "fetch", "exit", "cancelled", "internal", and from align() "empty-text", "no-speech", "text-too-long". */
export class EcouteError extends Error {
  code: string;
}

export class Ecoute {
  /** Starts the worker, fetches ecoute.wasm and loads the default model (or `model`, a model file's bytes). */
  static load(opts?: LoadOptions): Promise<Ecoute>;
  constructor(opts?: LoadOptions);
  info: EngineInfo | null;
  /** Of the last call: seconds spent in the worker, bytes of WebAssembly memory. */
  lastStats: { seconds: number; memory: number } | null;
  /** onSegment gets each stretch of the audio as the recognizer finishes it (long audio is cut at pauses), with the seconds done out of total. */
  transcribe(audio: AudioInput, options?: TranscribeOptions, how?: { onSegment?: (p: SegmentProgress) => void }): Promise<Result>;
  /** Recognizes live audio as it arrives (asr.Stream): partial results of the open segment and final segments, cut at pauses. */
  openStream(options?: TranscribeOptions, sampleRate?: number): Promise<LiveStream>;
  features(audio: AudioInput, options?: FeatureOptions): Promise<Features>;
  /** Mono samples resampled to sampleRate (default 16000). */
  decode(audio: AudioInput, sampleRate?: number): Promise<Decoded>;
  /** Forced alignment of a known text to the audio: the file `transcribe align --format F` writes (subtitles, word times or a Praat TextGrid). Rejects with code "empty-text", "no-speech" or "text-too-long" when the text cannot be aligned. */
  align(audio: AudioInput, text: string, options?: AlignOptions): Promise<string>;
  /** The result as a file, written with the CLI's writers: what `transcribe --format kind` prints for it. */
  format(result: Result | string, kind: "txt" | "json" | "srt" | "vtt" | "tsv" | "trn", options?: { name?: string; timestamps?: boolean; nbest?: number }): Promise<string>;
  /** The JSON text of the last transcription, byte for byte what `transcribe --format json` prints for it. */
  lastJSON: string | null;
  /** Whether a call is in progress. */
  readonly busy: boolean;
  /** Stops the worker; the next call starts a new one. */
  terminate(): void;
  /** Stops the call in progress (it rejects with code "cancelled"): a transcription given onSegment stops at its next segment and the worker stays; otherwise, or after cancelWaitMs, a fresh worker is started. Resolves when the recognizer is ready. */
  cancel(): Promise<EngineInfo>;
  /** How the last cancel() stopped the work. */
  lastCancel: "segment" | "restart" | null;
  /** How long cancel() waits for a segment boundary before it restarts the worker (10000). */
  cancelWaitMs: number;
}

/** A stretch of the audio the recognizer has finished (asr.Segment), with progress in seconds of audio. */
export interface SegmentProgress {
  segment: { start: number; end: number; text: string; words?: Word[] };
  done: number;
  total: number;
}

/** A partial result of the open segment (final false: the next event replaces it) or a final segment (final true: it stays). Times in seconds from the stream's start. */
export interface StreamEvent {
  final: boolean;
  start: number;
  end: number;
  text: string;
  words?: Word[];
}

/** What a stream write or close returns. */
export interface StreamUpdate {
  events: StreamEvent[];
  /** Seconds of audio written so far. */
  duration: number;
  /** Seconds the worker spent recognizing in this call. */
  seconds: number;
  /** From close only: the final segments as one transcription (as transcribe() returns it). */
  result?: Result;
}

export interface LiveStream {
  id: number;
  /** Sends mono samples at the stream's rate; the array's buffer is transferred to the worker. Writes are handled in order. */
  write(samples: Float32Array): Promise<StreamUpdate>;
  /** Finalizes the open segment and ends the stream. */
  close(name?: string): Promise<StreamUpdate>;
}
