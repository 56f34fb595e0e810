"""Privacy by design: checklist answers, their review by the privacy officer, and the DPIA."""
