"""The directory function: members, reports, debtor replies, moderation, public listing."""
