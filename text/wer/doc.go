// Package wer scores speech recognition output: edit-distance alignment
// of hypotheses against references, word and character error rates,
// sentence error rate, substitution/deletion/insertion/correct counts,
// per-utterance alignments and per-speaker summaries, with readers for
// TSV, Kaldi text and sclite trn transcripts.
//
// The alignment is that of NIST sclite (SCTK, src/sclite/net_dp.c and
// word.c): costs correct 0, substitution 4, insertion and deletion 3,
// ties broken as sclite breaks them, case folded unless asked otherwise,
// so the counts equal those of "sclite -i rm" word for word (and of
// "sclite -c" for characters). Unlike sclite, the text is taken
// literally: no alternations ({a / b}), optionally deleted words
// ((word)), fragments or "@" null words. The golden files under
// testdata/wer were made by sclite itself (testdata/gen/wer_golden.sh).
//
// Error rates are fractions: (S + D + I) / (C + S + D).
package wer
