"""Responses: reply addresses, matching replies to letters, statuses and reports."""
