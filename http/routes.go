package http

// register installs every route. Within a group, literal paths (functions
// such as filterByCurrentUser) come before {id} paths.
func (s *Server) register() {
	s.registerDirectory()
	s.registerServicePrincipals()
	s.registerGroupRelations()
	s.registerRoles()
	s.registerCatalogs()
	s.registerAccessPackages()
	s.registerIncompatible()
	s.registerPolicies()
	s.registerOperations()
	s.registerRequests()
	s.registerAssignments()
	s.registerApprovals()
	s.registerAudit()
	s.registerSystems()
	s.registerDeliveries()
	s.registerTokens()
	s.registerNotifications()
	s.registerSubscriptions()
	s.registerBatch()
}
