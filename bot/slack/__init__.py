"""Slack: the bolt App that takes approvals, the client factory, and the serve loop."""
