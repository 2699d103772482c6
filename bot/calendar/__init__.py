"""The district calendar: national holidays (``holidays``) with the Calendar tab and the
config (``district``); the pure rules are in ``bot/core/calendar.py``."""
