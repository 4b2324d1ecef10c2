package lineio

import (
	"bufio"
	"io"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	in := "one\r\n" + strings.Repeat("x", 40) + "\n\nlast"
	br := bufio.NewReaderSize(strings.NewReader(in), 16)
	want := []struct {
		line    string
		tooLong bool
	}{{"one\r", false}, {"", true}, {"", false}, {"last", false}}
	for i, w := range want {
		line, tooLong, err := Read(br, 20)
		if err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if tooLong != w.tooLong || (!tooLong && string(line) != w.line) {
			t.Errorf("line %d: %q, %v; want %q, %v", i, line, tooLong, w.line, w.tooLong)
		}
	}
	if _, _, err := Read(br, 20); err != io.EOF {
		t.Errorf("at the end: %v", err)
	}
}
