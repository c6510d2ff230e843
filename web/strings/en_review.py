"""The review queue and a letter under review."""

EN: dict[str, str] = {
    "letter.pending": "not rendered",
    "letter.review": "awaiting review",
    "letter.approved": "approved",
    "letter.rejected": "rejected",
    "review.title": "Review queue",
    "review.empty": "Nothing waits for review.",
    "review.batches": "Batches",
    "review.batch_tab": "Batch #{id} · {campaign} · {n} waiting",
    "review.batch_heading": "Batch #{id}: {campaign}",
    "review.batch_meta": "{reason}; created by {who} on {when}; {n} letters wait.",
    "review.comment_optional": "Comment (optional)",
    "review.approve_batch": "Approve all {n} letters",
    "review.bulk_confirm": "Approve all {n} letters of this batch?",
    "review.open": "Letter {id}",
    "review.stale_tag": "stale",
    "review.stale_note": "{n} letters on this page are stale:",
    "review.bulk_confirm_stale": "{stale} of these letters are stale (an older appeal version or "
    "an overtaken signature count). Approve all {n} letters of this batch anyway?",
    "review.rejected_heading": "Rejected letters",
    "review.failed_heading": "Letters that could not be rendered",
    "review.failed_hint": "Each stays pending until the cause is fixed (the registry entry, "
    "the appeal or the template); then render it again. The other letters of its batch "
    "rendered.",
    "review.col_reason": "Why",
    "review.undrawable_note": "The signatory annex shows “?” for characters no bundled font "
    "has, in the names of {n} signer(s):",
    "review.findings_note": "The campaign check has {n} finding(s) for this batch's campaign "
    "(advocacy campaign check):",
    "review.despite_findings": "I have read the findings and approve the batch despite them",
    "letter.render_failed": "The last render of this letter failed:",
    "review.rejected_hint": "Each waits for a fix (the registry entry or the appeal) and a "
    "new render: open the letter and render it again.",
    "review.rejected_by": "{who}, {when}",
    "review.batch_ref": "#{id}",
    "review.col_rejected_by": "Rejected by",
    "review.col_comment": "What must change",
    "letter.title": "Letter {id}",
    "letter.back": "← Batch #{id}",
    "letter.heading": "Letter to {name}",
    "letter.meta": "Letter {id} · {language} · revision {revision} · {status}",
    "letter.stale": "This letter is stale:",
    "letter.rendered": "Revision {revision}, rendered on {when} by {who}.",
    "letter.rendered_unknown": "Revision {revision}, rendered on {when}.",
    "letter.rendered_from": "It was rendered from appeal version {version} and quotes "
    "{count} signatures.",
    "letter.rejection": "Revision {revision} was rejected by {who} on {when}:",
    "letter.rerender": "Render again",
    "letter.rerender_hint": "Makes revision {revision} from the current appeal, templates and "
    "registry entry, with this batch's signature count ({count}) and signatory annex. "
    "It then needs approving again.",
    "letter.rerender_button": "Render again as revision {revision}",
    "letter.rerender_failed": "The letter could not be rendered again: {error}. Nothing new "
    "was stored; fix the template and render it again.",
    "letter.count_kept": "Rendering again would quote this batch's count ({count}) again, so "
    "it would not bring this letter up to date: a newer count needs a new batch.",
    "letter.in_outbox": "This letter is already in the outbox, so it cannot be rendered "
    "again: it goes out with the bytes that were approved.",
    "letter.preview": "Preview",
    "letter.open_pdf": "Open the PDF ({pages} pages)",
    "letter.page_alt": "Page {n} of {total} of the letter",
    "letter.pdf_inline": "Show the PDF itself here",
    "letter.pdf_label": "The letter as PDF",
    "letter.no_pdf": "This letter has no rendered PDF yet.",
    "letter.decide": "Decision",
    "letter.approve": "Approve these exact bytes",
    "letter.mark_sampled": "Mark as sampled (I have read this letter)",
    "notice.sampled": "Marked as sampled: approving the whole batch will report this letter as "
    "checked.",
    "letter.reject": "Reject",
    "letter.reject_comment": "What must change (required to reject)",
    "letter.documents": "Documents",
    "letter.changed_on_disk": "changed on disk: re-render",
    "letter.approved_by": "approved by {who}",
    "letter.not_approved": "not approved",
    "letter.changes": "Changes since the last approved version",
    "letter.email": "Email",
    "notice.rerendered": "Rendered again as revision {n}; it awaits approval.",
    "notice.rerendered_approved": "Rendered again as revision {n}; this appeal needs no "
    "review, so it is approved.",
}
