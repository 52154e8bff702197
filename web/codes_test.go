package web_test

import (
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/parley-rtc/parley/server/protocol"
	"github.com/parley-rtc/parley/web"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The browser client's ErrorCode table names every Parley code with the
// header's name (less PARLEY_ERR_) and value, and nothing else.
func TestClientErrorCodesMatchTheProtocol(t *testing.T) {
	src, err := os.ReadFile("src/parley-client.ts")
	if err != nil {
		t.Fatal(err)
	}
	table := regexp.MustCompile(`(?s)export const ErrorCode = \{(.*?)\} as const`).FindSubmatch(src)
	if table == nil {
		t.Fatal("no ErrorCode table in src/parley-client.ts")
	}
	seen := map[protocol.Code]bool{}
	for _, m := range regexp.MustCompile(`(\w+): (\d+),`).FindAllSubmatch(table[1], -1) {
		v, _ := strconv.Atoi(string(m[2]))
		c := protocol.Code(v)
		if want := strings.TrimPrefix(c.Name(), "PARLEY_ERR_"); string(m[1]) != want {
			t.Errorf("the client names %d %s, the protocol %s", v, m[1], c.Name())
		}
		seen[c] = true
	}
	for _, c := range protocol.Codes() {
		if c != protocol.OK && !seen[c] {
			t.Errorf("%s (%d) is missing from the client's ErrorCode", c.Name(), c)
		}
	}
}

// The embedded page holds what index.html loads.
func TestEmbeddedPage(t *testing.T) {
	index, err := fs.ReadFile(web.FS(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, ref := range regexp.MustCompile(`(?:src|href)="([^":]+)"`).FindAllSubmatch(index, -1) {
		if _, err := fs.Stat(web.FS(), string(ref[1])); err != nil {
			t.Errorf("index.html loads %s, which is not embedded: %v", ref[1], err)
		}
	}
	if _, err := fs.Stat(web.FS(), "js/parley-client.js"); err != nil {
		t.Error(err)
	}
}
