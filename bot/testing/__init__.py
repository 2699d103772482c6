"""Local fakes of the outside worlds (Google Sheets, Slack) used by tests, benchmarks and demos."""
