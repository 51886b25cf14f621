package digital_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/digital"
	"github.com/cxprivacy/cxone/internal/simtest"
)

// The benchmarks compare one typed call with a bare net/http call to the same
// simulator route (the baseline), and time a whole Find on a large tenant.

func BenchmarkMessageGet(b *testing.B) {
	srv, c := newSim(b)
	id := srv.DigitalMessages()[0].ID
	ctx := context.Background()
	b.Run("bare", func(b *testing.B) {
		tok := simtest.Token(b, srv)
		hc := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.DigitalBase()+"/messages/"+url.PathEscape(id), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var m digital.Message
			if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	})
	b.Run("digital", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Messages.Get(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkFind(b *testing.B) {
	_, c := newSim(b, cxonetest.WithoutDigitalDemo(), cxonetest.WithDigitalLargeTenant(1000, 10))
	f := digital.NewFinder(c)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		got, err := f.FindIdentifier(ctx, cxonetest.LargeTenantEmail(i%1000))
		if err != nil || len(got.Interactions) != 10 {
			b.Fatalf("find: %v", err)
		}
		i++
	}
}
