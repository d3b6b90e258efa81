package slack

import (
	"errors"
	"fmt"

	"github.com/driftd/driftd/daemon/report"
)

// ApprovalText is the thread reply after user approved planID: what the
// apply did, or why it could not run.
func ApprovalText(user, planID string, rem *report.RemediationResult, err error) string {
	var busy *report.BusyError
	var perr *report.PlanError
	switch {
	case errors.As(err, &busy):
		return fmt.Sprintf("<@%s> approved plan `%s`, but run %s is in progress; click again when it ends.", user, planID, busy.RunID)
	case errors.As(err, &perr):
		return fmt.Sprintf("<@%s> approved plan `%s`, which cannot be applied: %s.", user, planID, perr.Reason)
	case err != nil:
		return fmt.Sprintf("<@%s> approved plan `%s`, which failed: %s.", user, planID, truncate(err.Error(), 500))
	}
	msg := fmt.Sprintf("<@%s> approved plan `%s`: %s", user, planID, rem.Action)
	if rem.Verification != "" {
		msg += ", " + rem.Verification
	}
	for _, r := range rem.Refused {
		msg += "\n:no_entry: " + r
	}
	if rem.Error != "" {
		msg += "\n```" + truncate(rem.Error, 2000) + "```"
	}
	return msg
}
