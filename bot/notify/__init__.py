"""The notifier seam: the console now, Slack next."""
