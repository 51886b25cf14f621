package cxonetest

type privacyState struct{}

type privacyOptions struct{}

// registerPrivacyRoutes adds POST /privacy/v1/erasure (issue 3).
func (s *Server) registerPrivacyRoutes() {}
