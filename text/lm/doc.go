// Package lm builds, reads, writes and scores n-gram language models.
//
// Build counts n-grams (word or character level, order up to 5) and smooths
// them with interpolated modified Kneser-Ney (Chen & Goodman 1998), with
// optional count pruning. Models are read from and written to the ARPA
// format that KenLM, SRILM, IRSTLM and sphinxbase share (probabilities and
// backoff weights in log10).
//
// A Model is compact: word ids, one array of n-gram entries and an
// open-addressing hash table keyed by (context entry, word). Scoring is
// state based: a State names the longest suffix of the history that the
// model knows, so a decoder keeps one small integer per hypothesis:
//
//	s := m.Start()                 // after <s>
//	lp, s := m.Score(s, m.ID("the"))
//	lp2 := m.End(s)                // log10 p(</s> | history)
//
// Sentence scoring and perplexity follow SRILM's "ngram -ppl": <s> is the
// context of the first word, </s> is predicted at the end, out-of-vocabulary
// words are skipped, counted, and cut the history.
//
// Sources:
//
//   - S. F. Chen, J. Goodman, "An Empirical Study of Smoothing Techniques for
//     Language Modeling", Harvard TR-10-98, 1998: interpolated modified
//     Kneser-Ney, the discounts D1, D2, D3+ from counts of counts (eq. 26),
//     continuation counts for the lower orders.
//   - K. Heafield et al., "Scalable Modified Kneser-Ney Language Model
//     Estimation", ACL 2013 (KenLM's lmplz): adjusted counts (raw counts for
//     the highest order and for n-grams that start with <s>), interpolation
//     of the unigrams with the uniform distribution, <unk> in the vocabulary.
//   - A. Stolcke, "SRILM - an extensible language modeling toolkit", 2002,
//     and the ngram(1) manual: the ARPA format and the -ppl conventions.
//
// Malformed ARPA input gives a *FormatError with the line number; misuse
// (an order out of range in BuildOptions) is reported as an error too.
package lm
