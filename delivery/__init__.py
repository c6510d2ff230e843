"""Delivery: the durable outbox, its worker, and the transports (SMTP, Maildir, memory)."""
