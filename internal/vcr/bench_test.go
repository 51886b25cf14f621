package vcr

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
)

// benchCore connects and makes the core cassette's one API call, through
// hc against issuer.
func benchCore(b *testing.B, issuer string, hc *http.Client) {
	b.Helper()
	ctx := context.Background()
	api, err := cxone.NewClient(ctx, cxone.WithIssuer(issuer), cxone.WithHTTPClient(hc),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret))
	if err != nil {
		b.Fatal(err)
	}
	_, err = api.Do(ctx, &cxone.Request{
		Method: http.MethodPost, Path: "/user-management/v2/users/search",
		Body: map[string]any{
			"filter": map[string][]string{"userName": {cxonetest.DemoAgentUserName}},
			"fields": []string{"id", "userName", "status"},
			"skip":   0, "top": 100,
		},
		Idempotent: true,
	}, nil)
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCoreReplay replays the core cassette (discovery, token, one
// call): what a recorded-HTTP test costs. Compare with BenchmarkCoreSimulator,
// the same exchanges against a live cxonetest server.
func BenchmarkCoreReplay(b *testing.B) {
	if Recording() {
		b.Skip("recording")
	}
	sc := NewScrubber(map[string]string{cxonetest.DemoAgentUserName: "user-placeholder-1"})
	b.ReportAllocs()
	for b.Loop() {
		// A fresh recorder each time: each interaction replays once.
		hc := newClient(b, "../../testdata/cassettes/core", sc, false)
		benchCore(b, ReplayIssuer, hc)
	}
}

// BenchmarkCoreSimulator is BenchmarkCoreReplay's baseline.
func BenchmarkCoreSimulator(b *testing.B) {
	srv := cxonetest.NewServer()
	defer srv.Close()
	b.ReportAllocs()
	for b.Loop() {
		benchCore(b, srv.URL, srv.Client())
	}
}

// FuzzScrub checks that no form of a known identifier survives scrubbing,
// whatever text surrounds it (placeholders share no piece with the
// identifiers, so none can be pieced together across a replacement).
func FuzzScrub(f *testing.F) {
	reals := []string{"ana+gdpr@example.com", "+447700900123", "agent-4711"}
	sc := NewScrubber(map[string]string{
		reals[0]: "name-1@" + PlaceholderDomain,
		reals[1]: "+000000000001",
		reals[2]: "user-placeholder-1",
	})
	f.Add("", "", 0)
	f.Add(`{"q":"`, `"}`, 1)
	f.Add("x=%2", "&y=1", 2)
	f.Add("ana+gdpr@example.co", "%2B447700900123", 0)
	f.Fuzz(func(t *testing.T, before, after string, which int) {
		real := reals[(which%len(reals)+len(reals))%len(reals)]
		for _, form := range forms(real) {
			got := sc.Scrub(before + form + after)
			for i, r := range reals {
				for _, ff := range forms(r) {
					if strings.Contains(got, ff) {
						t.Errorf("a form of identifier %d survived scrubbing", i)
					}
				}
			}
		}
	})
}
