//go:build ignore

// check_error_list compares the PARLEY_ERROR_LIST X-macro in include/parley.h
// with the Go code list in server/protocol: the same codes, names, values and
// messages, in ascending order; and checks that docs/errors.md has a row for
// every code with the same name, value and message. Run from the repository
// root:
//
//	go run scripts/check_error_list.go [include/parley.h [docs/errors.md]]
package main

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/parley-rtc/parley/server/protocol"
)

var entry = regexp.MustCompile(`(?m)^\s*X\(\s*(PARLEY_[A-Z0-9_]+)\s*,\s*(-?[0-9]+)\s*,\s*("(?:[^"\\]|\\.)*")\s*\)\s*\\?\s*$`)

func main() {
	path, docPath := "include/parley.h", "docs/errors.md"
	if len(os.Args) > 1 {
		path = os.Args[1]
	}
	if len(os.Args) > 2 {
		docPath = os.Args[2]
	}
	doc, err := os.ReadFile(docPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "check_error_list:", err)
		os.Exit(1)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "check_error_list:", err)
		os.Exit(1)
	}
	var problems []string
	seen := map[protocol.Code]bool{}
	last := int64(-1)
	for _, m := range entry.FindAllStringSubmatch(string(src), -1) {
		name := m[1]
		v, _ := strconv.ParseInt(m[2], 10, 32)
		msg, err := strconv.Unquote(m[3])
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: message %s is not a plain string literal", name, m[3]))
			continue
		}
		c := protocol.Code(v)
		if v <= last {
			problems = append(problems, fmt.Sprintf("%s = %d: the list is not in ascending order", name, v))
		}
		last = v
		if seen[c] {
			problems = append(problems, fmt.Sprintf("%s = %d: value listed twice", name, v))
		}
		seen[c] = true
		if got := c.Name(); got != name {
			problems = append(problems, fmt.Sprintf("%d: header says %s, server/protocol says %s", v, name, got))
		}
		if got := c.Message(); got != msg {
			problems = append(problems, fmt.Sprintf("%s: header message %q, server/protocol %q", name, msg, got))
		}
		row := fmt.Sprintf("| `%s` | %d | %s |", name, v, strings.ReplaceAll(msg, "|", `\|`))
		if !strings.Contains(string(doc), "\n"+row) {
			problems = append(problems, fmt.Sprintf("%s: %s has no row starting %q", name, docPath, row))
		}
	}
	var missing []int
	for _, c := range protocol.Codes() {
		if !seen[c] {
			missing = append(missing, int(c))
		}
	}
	sort.Ints(missing)
	for _, v := range missing {
		c := protocol.Code(v)
		problems = append(problems, fmt.Sprintf("%s = %d is in server/protocol but not in PARLEY_ERROR_LIST", c.Name(), v))
	}
	if len(seen) == 0 {
		problems = append(problems, "no X(name, value, \"message\") entries found in "+path)
	}
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "check_error_list:", p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Printf("check_error_list: %d codes, %s and %s match server/protocol\n", len(seen), path, docPath)
}
