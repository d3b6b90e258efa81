package config

// ListValueProblem says why value cannot be an entry of a target's list
// key redirect_uris, post_logout_redirect_uris or cors_origins (the rules
// validateLists applies), or "" when it can.
func ListValueProblem(key, value string) string {
	switch key {
	case "cors_origins":
		if value == "null" {
			return ""
		}
		return checkURL(value, false)
	case "redirect_uris", "post_logout_redirect_uris":
		return checkURL(value, true)
	}
	return ""
}
