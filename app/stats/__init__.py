"""Usage statistics (issue 7 §6): catalogue totals, downloads and uploads by month, members by region."""
