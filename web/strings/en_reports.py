"""The report pages."""

EN: dict[str, str] = {
    "reports.title": "Reports",
    "reports.csv": "Download CSV",
    "reports.pdf": "Download PDF",
    "report.title": "Report: {title}",
    "report.summary": "Summary",
    "report.totals": "{n} addressees written to; {answered} answered; median days to "
    "answer: {median}.",
    "report.table": "Every addressee",
    "report.rate": "Response rate: {rate}. An answer is due {days} working days after delivery.",
    "report.charts": "Charts",
    "report.timeline": "Signatures, milestone batches, deliveries and answers over time.",
    "report.by_category": "Answered share of delivered letters, by category.",
    "report.due": "Due",
    "report.rules": "Other deadlines by kind of addressee:",
    "thread.deadline": "An answer is due {rule} after delivery; due on {due}.",
    # One addressee's thread in a campaign (web.pages.threads).
    "thread.title": "{addressee} · {campaign}",
    "thread.intro": "Every letter, delivery and answer of this campaign to this addressee, "
    "oldest first. An answer is credited to the letter it names, else to the newest delivery "
    "before it.",
    "thread.when": "When (UTC)",
    "thread.batch": "Batch",
    "thread.event": "Event",
    "thread.details": "Details",
    "thread.status": "Standing: {status}",
    "thread.classify": "Classify",
    "thread.kind": "Answer or acknowledgement",
    "thread.history": "History",
    "letter.superseded": "superseded by a newer letter",
    "event.letter": "letter",
    "event.delivery": "delivery",
    "event.answer": "answer",
    "event.acknowledgement": "acknowledgement",
}
