"""The notifier seam: the console (default) and Slack (slack.py), with a persistent outbox."""
