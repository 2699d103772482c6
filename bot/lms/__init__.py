"""The LMS seam: a mock per system now, real HTTP adapters later."""
