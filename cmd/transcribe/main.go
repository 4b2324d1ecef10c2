// Command transcribe is ecoute's command-line tool: speech to text on WAV and
// FLAC files, and the subcommands around it (features, eval, train, lm, web).
//
// Run "transcribe --help" for the overview and "transcribe CMD --help" for each
// subcommand.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// Exit codes shared by every subcommand.
const (
	exitOK     = 0 // everything worked
	exitFailed = 1 // some inputs failed; the rest were processed
	exitUsage  = 2 // bad flags or arguments, or a model or LM that cannot be loaded: nothing was done
)

// A command is one subcommand of transcribe.
type command struct {
	name    string
	summary string
	run     func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands is filled by init functions in the files beside this one, one
// subcommand per file.
var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// defaultCommand runs when the first argument is not a subcommand name
// (transcribing files). It is set by transcribe.go.
var defaultCommand func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if c, ok := commands[args[0]]; ok {
			return c.run(args[1:], stdin, stdout, stderr)
		}
		if args[0] == "help" {
			if len(args) > 1 {
				if c, ok := commands[args[1]]; ok {
					return c.run([]string{"--help"}, stdin, stdout, stderr)
				}
			}
			usage(stdout)
			return exitOK
		}
	}
	if defaultCommand == nil {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
			usage(stdout)
			return exitOK
		}
		fmt.Fprintf(stderr, "transcribe: unknown command %q (see transcribe --help)\n", args[0])
		return exitUsage
	}
	return defaultCommand(args, stdin, stdout, stderr)
}

// parseFlags parses a subcommand's flags. When it returns ok false the
// subcommand should exit with code: exitOK after --help (the flag set has
// printed its usage), exitUsage after a bad flag (the flag set has said
// which).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return exitOK, true
}

// usage prints the overview: the subcommands and where to learn more.
func usage(w io.Writer) {
	fmt.Fprint(w, `transcribe: offline speech recognition in pure Go.

Usage:
  transcribe [flags] FILE...      transcribe WAV/FLAC files ("-" reads stdin)
  transcribe COMMAND [flags] ...  run a subcommand

Commands:
`)
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprint(w, `
Run "transcribe COMMAND --help" for a command's flags and examples.

Exit status: 0 ok, 1 some inputs failed (the rest were processed), 2 usage or
setup error (bad flags or arguments, a --model or --lm that cannot be loaded).
`)
}
