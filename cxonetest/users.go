package cxonetest

type userState struct{}

// registerUserRoutes adds user search and deactivation (issue 3).
func (s *Server) registerUserRoutes() {}
