"""The questionnaire engine shared by every feature that asks questions (Digitalcheck, the
strategy workspace's stocktake, surveys). Format and versions: docs/questionnaires.md."""
