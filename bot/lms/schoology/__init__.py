"""Schoology's REST API v1 behind the LMS seam: for now, how requests are signed (``auth``)."""
