package cxonetest

type digitalState struct{}

type digitalOptions struct{}

// registerDigitalRoutes adds the DFO routes under /dfo/3.0 (issue 5).
func (s *Server) registerDigitalRoutes() {}
