package entitled

// MoverNotices is the notification rule of a mover: when a user's manager
// changes, each of their requests' approval stages in progress that asks
// the requestor's manager (primary or fallback approvers) tells its
// approvers again, so the new manager learns of it. Decision rights need no
// rule of their own: approvers are resolved when a decision is made, so
// the new manager may decide and the old one no longer can.
func MoverNotices(requestID, stageID string, st ApprovalStage) []Notice {
	for _, sets := range [][]SubjectSet{st.PrimaryApprovers, st.FallbackPrimaryApprovers} {
		for _, s := range sets {
			if s.Type == SubjectRequestorManager {
				return []Notice{{Event: NoticeApprovalPending, RequestID: requestID, StageID: stageID}}
			}
		}
	}
	return nil
}
