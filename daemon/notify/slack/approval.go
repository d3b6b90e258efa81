package slack

import (
	"errors"
	"fmt"

	"github.com/driftd/driftd/daemon/report"
)

// RefusalText is the thread reply after userID, who is not in
// slack.approvers, clicked "Apply fix": nothing was applied.
func RefusalText(userID string) string {
	return fmt.Sprintf("<@%s> may not approve: only slack.approvers can apply plans. Nothing was applied.", esc(userID))
}

// ApprovalText is the thread reply after user approved planID: what the
// apply did, or why it could not run. Terraform's words and the reasons are
// escaped for mrkdwn.
func ApprovalText(user, planID string, rem *report.RemediationResult, err error) string {
	var perr *report.PlanError
	switch {
	case errors.As(err, &perr):
		return fmt.Sprintf("<@%s> approved plan %s, which cannot be applied: %s.", esc(user), code(planID), esc(perr.Reason))
	case err != nil:
		return fmt.Sprintf("<@%s> approved plan %s, which failed: %s.", esc(user), code(planID), esc(truncate(err.Error(), 500)))
	}
	msg := fmt.Sprintf("<@%s> approved plan %s: %s", esc(user), code(planID), rem.Action)
	if rem.Verification != "" {
		msg += ", " + rem.Verification
	}
	for _, r := range rem.Refused {
		msg += "\n:no_entry: " + esc(r)
	}
	if rem.Error != "" {
		msg += "\n```" + esc(truncate(rem.Error, 2000)) + "```"
	}
	return msg
}
