"""Membership accounting: fee schedules, the ledger of payments and charges, quotas, statements."""
