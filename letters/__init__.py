"""Letters: composing one addressee's letter and rendering it as PDF, email (and DOCX)."""
