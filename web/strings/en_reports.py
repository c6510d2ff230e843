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
}
