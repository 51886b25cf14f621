package cxone_test

import (
	"context"
	"testing"

	"github.com/cxprivacy/cxone"
	"github.com/cxprivacy/cxone/cxonetest"
)

func TestSkeletonSmoke(t *testing.T) {
	srv := cxonetest.NewServer()
	defer srv.Close()
	c, err := cxone.NewClient(context.Background(),
		cxone.WithIssuer(srv.URL),
		cxone.WithClientCredentials(cxonetest.DemoClientID, cxonetest.DemoClientSecret),
		cxone.WithAccessKey(cxonetest.DemoAccessKeyID, cxonetest.DemoAccessKeySecret),
		cxone.WithAPIBase(srv.APIBase()), cxone.WithDigitalBase(srv.DigitalBase()))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.TenantID(); got != cxonetest.DemoTenantID {
		t.Fatalf("tenant = %q, want %q", got, cxonetest.DemoTenantID)
	}
	_, err = c.Do(context.Background(), &cxone.Request{Method: "GET", API: cxone.Platform, Path: "/nothing/{id}", Params: []string{"x"}}, nil)
	if err == nil {
		t.Fatal("want 404 error")
	}
}
