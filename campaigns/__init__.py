"""Campaigns: the appeal definition, signature counts, milestones and delivery batches."""
