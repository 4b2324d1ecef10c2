// Package lineio reads text files a line at a time with a bound on the
// length of a line, for the readers of manifests, references and corpora.
package lineio

import (
	"bufio"
	"bytes"
	"io"
)

// Read returns the next line of br without its newline. A line of more
// than max bytes (its newline and a carriage return aside) is read to its
// end but not kept: tooLong is true and line holds at most its first part.
// At the end of input err is io.EOF; a last line without a newline is
// returned first, with a nil error.
func Read(br *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	var buf []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(buf)+len(chunk) > max+2 {
			tooLong = true
		} else {
			buf = append(buf, chunk...)
		}
		switch err {
		case nil:
			return bytes.TrimSuffix(buf, []byte("\n")), tooLong, nil
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if len(buf) == 0 && !tooLong {
				return nil, false, io.EOF
			}
			return buf, tooLong, nil
		default:
			return nil, false, err
		}
	}
}
