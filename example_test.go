package cxone_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
)

// A client against the in-memory CXone: discovery, the password grant and
// one authenticated call.
func Example() {
	srv := cxonetest.NewServer()
	defer srv.Close()

	ctx := context.Background()
	c, err := cxone.NewClient(ctx,
		cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret))
	if err != nil {
		log.Fatal(err)
	}
	var who struct {
		TenantID string `json:"tenantId"`
	}
	if _, err := c.Do(ctx, &cxone.Request{Method: "GET", Path: "/cxonetest/whoami"}, &who); err != nil {
		log.Fatal(err)
	}
	fmt.Println(who.TenantID == c.TenantID())
	// Output: true
}

// Errors are typed: a missing resource matches ErrNotFound, and the
// *APIError names the path template, never the identifier in it.
func ExampleAPIError() {
	srv := cxonetest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, err := cxone.NewClient(ctx, cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		cxone.WithRetry(1, cxone.DefaultMaxBackoff, cxone.DefaultMaxRetryAfter))
	if err != nil {
		log.Fatal(err)
	}
	_, err = c.Do(ctx, &cxone.Request{Path: "/nothing/{email}", Params: []string{"ana.silva@example.com"}}, nil)
	fmt.Println(errors.Is(err, cxone.ErrNotFound))
	fmt.Println(err)
	// Output:
	// true
	// cxone: GET /nothing/{email}: 404 Not Found: body "404 page not found" (1 attempt)
}

// A POST whose answer was lost is retried, and the response says the
// server may have acted twice.
func ExampleResponse_ambiguous() {
	srv := cxonetest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	c, err := cxone.NewClient(ctx, cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret))
	if err != nil {
		log.Fatal(err)
	}
	srv.HandleAPI("POST /example/act", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv.Script("POST /example/act", cxonetest.Reply{Fault: cxonetest.FaultResetAfter})
	resp, err := c.Do(ctx, &cxone.Request{Method: "POST", Path: "/example/act", Body: map[string]string{"k": "v"}}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.StatusCode, resp.Attempts, resp.Ambiguous)
	// Output: 204 2 true
}
