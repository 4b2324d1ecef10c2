// Package text turns transcripts into label sequences and back: an English
// normalizer for ASR training and scoring, the Tokenizer interface, a
// character tokenizer for CTC, a byte-pair-encoding tokenizer that trains
// on a corpus, and a reader for SentencePiece .model files (BPE and
// unigram) that encodes exactly as SentencePiece does.
//
// Sources: Unicode Standard Annex #15 (normalization forms, through
// golang.org/x/text/unicode/norm); Sennrich, Haddow and Birch 2016,
// "Neural Machine Translation of Rare Words with Subword Units" (BPE);
// Kudo 2018, "Subword Regularization" (the unigram model); Kudo and
// Richardson 2018, "SentencePiece" and its sentencepiece_model.proto and
// bpe_model.cc / unigram_model.cc (model format and encoding rules).
// Number reading follows the conventions of English ASR corpora
// (LibriSpeech, Switchboard normalization): years in pairs ("nineteen oh
// eight"), no "and" inside cardinals.
//
// Misuse (an alphabet with repeated symbols, an id out of range) panics
// and the doc comment says so; bad data (a corrupt model file, a character
// outside the alphabet) returns an error.
package text
