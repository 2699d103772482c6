"""Running a district, whatever drives it (the schedule, Slack approvals): its cycles one at
a time (``runner``) and the things done once (``seen``)."""
