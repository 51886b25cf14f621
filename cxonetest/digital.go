package cxonetest

// registerDigitalRoutes adds the DFO routes under /dfo/3.0 (issue 5).
func (s *Server) registerDigitalRoutes() {}
