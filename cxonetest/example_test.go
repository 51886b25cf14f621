package cxonetest_test

import (
	"context"
	"fmt"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
	"github.com/cxprivacy/cxone/privacy"
)

// Test your own erasure code against the simulator: here a flaky network
// (faults on a fifth of the requests, from a fixed seed) and then a check
// that every subject reached the platform, none of them twice beyond what
// the lost answers explain.
func ExampleNewServer() {
	ctx := context.Background()
	srv := cxonetest.NewServer(cxonetest.WithFaults(0.2, 7))
	defer srv.Close()

	c, err := cxone.NewClient(ctx,
		cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		cxone.WithRetry(10, cxone.DefaultMaxBackoff, cxone.DefaultMaxRetryAfter))
	if err != nil {
		fmt.Println(err)
		return
	}
	pc, _ := privacy.NewClient(c)

	// The code under test: erase ten contacts.
	for i := range 10 {
		s, _ := privacy.ParseSubject("Email", fmt.Sprintf("person-%d@example.com", i))
		if _, err := pc.Erase(ctx, s); err != nil {
			fmt.Println(err)
			return
		}
	}

	// What the simulator saw.
	st := srv.Stats()
	distinct := srv.ErasureRequests() - srv.DuplicateErasures()
	fmt.Println("distinct requests:", distinct)
	fmt.Println("duplicates explained by lost answers:", srv.DuplicateErasures() <= st.ResetsAfterHandling)
	fmt.Println("faults injected:", st.FaultsTotal > 0)
	// Output:
	// distinct requests: 10
	// duplicates explained by lost answers: true
	// faults injected: true
}
