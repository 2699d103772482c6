"""The pure core: checklist, scope, parameters, validation, plans, life cycle, approvals.

Nothing here imports gspread, slack_bolt, openpyxl or sqlite3; the seams live in sibling packages.
"""
