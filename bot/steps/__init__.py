"""What a step is to the people who act on it: approving and undoing it, showing it whole,
finding its row, and the reason a step failed."""
