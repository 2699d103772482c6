"""The workbook seam: the local .xlsx backend and the Google Sheets backend."""
