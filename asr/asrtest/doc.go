// Package asrtest builds small seeded random models for tests, benchmarks
// and test tools, so that they neither depend on the embedded default model
// nor train one. A random model runs the whole recognition pipeline and costs
// what a trained model of the same shape costs; its transcripts are
// gibberish, but deterministic: the same options give the same bytes on
// every platform.
package asrtest
