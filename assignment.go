package entitled

import "time"

// AssignmentState is Graph's accessPackageAssignmentState.
type AssignmentState string

// The assignment states.
const (
	AssignmentDelivering         AssignmentState = "delivering"
	AssignmentDelivered          AssignmentState = "delivered"
	AssignmentPartiallyDelivered AssignmentState = "partiallyDelivered"
	AssignmentDeliveryFailed     AssignmentState = "deliveryFailed"
	AssignmentExpired            AssignmentState = "expired"
)

// ParseAssignmentState reads a state case-insensitively.
func ParseAssignmentState(s string) (AssignmentState, bool) {
	return parseFold(s, []AssignmentState{AssignmentDelivering, AssignmentDelivered, AssignmentPartiallyDelivered,
		AssignmentDeliveryFailed, AssignmentExpired})
}

// Status is the PascalCase status string for the state.
func (s AssignmentState) Status() string {
	switch s {
	case AssignmentDelivering:
		return "Delivering"
	case AssignmentDelivered:
		return "Delivered"
	case AssignmentPartiallyDelivered:
		return "PartiallyDelivered"
	case AssignmentDeliveryFailed:
		return "DeliveryFailed"
	case AssignmentExpired:
		return "Expired"
	}
	return ""
}

// IsLive reports whether the assignment still holds (or is getting) access.
func (s AssignmentState) IsLive() bool { return s != AssignmentExpired }

// AssignmentStateFor is the assignment state that follows a rolled-up add request.
func AssignmentStateFor(s RequestState) AssignmentState {
	switch s {
	case StateDelivered:
		return AssignmentDelivered
	case StatePartiallyDelivered:
		return AssignmentPartiallyDelivered
	case StateDeliveryFailed:
		return AssignmentDeliveryFailed
	}
	return AssignmentDelivering
}

// Assignment is a subject's access to an access package.
type Assignment struct {
	ID                 string
	AccessPackageID    string
	AssignmentPolicyID string
	CatalogID          string
	TargetID           string
	State              AssignmentState
	Status             string
	Schedule           Schedule
	ExpiredDateTime    *time.Time
	CreatedDateTime    time.Time
}

// Subject is the accessPackageSubject view of a user.
type Subject struct {
	ID            string
	ObjectID      string
	DisplayName   string
	Email         string
	PrincipalName string
	SubjectType   string // user
}

// SubjectOf returns the subject view of a user.
func SubjectOf(u User) Subject {
	return Subject{ID: u.ID, ObjectID: u.ID, DisplayName: u.DisplayName, Email: u.Mail,
		PrincipalName: u.UserPrincipalName, SubjectType: "user"}
}
