// Package safetensors reads and writes the safetensors container used for
// ecoute model files: an 8-byte little-endian header length N, N bytes of JSON
// header, then the raw little-endian tensor bytes.
//
// The header maps each tensor name to {"dtype", "shape", "data_offsets"}
// (offsets relative to the start of the data section) and may hold a
// "__metadata__" object of string to string. The format is specified by
// Hugging Face's safetensors project (https://github.com/huggingface/safetensors,
// README "Format" section); this package implements the subset ecoute needs:
// dtypes F32, F16, BF16, F64, I8, U8, I32, I64.
//
// Reading is designed to be cheap enough to happen per request on an edge
// worker: [Parse] decodes only the JSON header and keeps the caller's byte
// slice; [File.Float32] returns a view that aliases those bytes (no copy) when
// the platform is little-endian and the tensor is 4-byte aligned in memory,
// and a converted copy otherwise. Writers ([Write]) pad the header with spaces
// so the data section starts on an 8-byte boundary, which makes every F32
// tensor of a file written here aliasable.
//
// Bad input never panics: malformed or truncated files return a *FormatError
// (or io.ErrUnexpectedEOF wrapped in one) naming what was wrong.
package safetensors
